"""Why a file could not be read. Each message is one line a lawyer can act on."""

from __future__ import annotations


class IngestError(Exception):
    """A file lexrisk cannot turn into a Document; `code` is stable for APIs, the message is for people."""

    code = "unreadable_file"

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.detail = detail


class MissingFileError(IngestError):
    code = "missing_file"


class UnsupportedTypeError(IngestError):
    code = "unsupported_type"


class EmptyFileError(IngestError):
    code = "empty_file"


class TooLargeError(IngestError):
    code = "too_large"


class CorruptFileError(IngestError):
    code = "corrupt_file"


class EncryptedFileError(IngestError):
    code = "encrypted_file"


class NeedsOCRError(IngestError):
    code = "needs_ocr"


class CommandError(Exception):
    """A failure the user can fix: the command root prints it as one line and exits with status 2."""
