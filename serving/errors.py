"""Failures a client can act on. The service raises these; the API turns each into its status and the
one error body `{"error": {"code", "message"}}`. `code` is stable, `message` is for people."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(ServiceError):
    """Also what another tenant's id gets: its existence is not disclosed."""

    status = 404
    code = "not_found"


class NotYours(ServiceError):
    """The tenant's row, but another person's to change (another annotator's label)."""

    status = 403
    code = "not_your_label"


class InvalidInput(ServiceError):
    status = 400
    code = "bad_request"


class UnprocessableUpload(ServiceError):
    status = 422
    code = "unreadable_file"


class UnsupportedMedia(ServiceError):
    status = 415
    code = "unsupported_type"


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class NotAvailable(ServiceError):
    status = 501
    code = "not_available"


class QueueFull(ServiceError):
    """Backpressure: 429 when the tenant's own queue is full, 503 when everyone's is."""

    code = "queue_full"

    def __init__(self, message: str, *, status: int, retry_after: int) -> None:
        super().__init__(message)
        self.status = status
        self.headers = {"Retry-After": str(retry_after)}
