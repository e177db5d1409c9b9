"""Reading an upload within the size limit: the declared length is checked before the body is read,
and the read itself stops one byte past the limit, so an oversized file never fills memory."""

from __future__ import annotations

from fastapi import Request, UploadFile

from contracts.settings import Settings
from serving.errors import InvalidInput, TooLarge

_MULTIPART_OVERHEAD = 64 * 1024


def check_declared_length(request: Request, settings: Settings) -> None:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes + _MULTIPART_OVERHEAD:
        raise TooLarge(f"the request is {int(declared) / 1e6:.1f} MB; the limit is "
                       f"{settings.max_upload_bytes / 1e6:.1f} MB")


def read_upload(request: Request, file: UploadFile, settings: Settings) -> tuple[bytes, str]:
    filename = (file.filename or "").strip()
    if not filename:
        raise InvalidInput("the file part has no filename; send it as multipart form field 'file'",
                           code="missing_filename")
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(f"{filename}: the file is larger than the limit of {settings.max_upload_bytes / 1e6:.1f} MB")
    return data, filename
