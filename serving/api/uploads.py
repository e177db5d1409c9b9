"""Reading an upload within the size limit. The body as a whole is bounded by serving.api.gate before
it is parsed; the file's own read stops one byte past the file limit."""

from __future__ import annotations

from fastapi import Request, UploadFile

from contracts.filenames import safe_name
from serving.errors import InvalidInput, TooLarge
from serving.settings import ServiceSettings


def read_upload(request: Request, file: UploadFile | str, settings: ServiceSettings) -> tuple[bytes, str]:
    """`file` is a str when the part came without a filename (multipart then makes it a plain field)."""
    filename = "" if isinstance(file, str) else safe_name(file.filename or "", fallback="")
    if isinstance(file, str) or not filename:
        raise InvalidInput("the file part has no filename; send it as multipart form field 'file'",
                           code="missing_filename")
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(f"{filename}: the file is larger than the limit of {settings.max_upload_bytes / 2**20:.1f} MiB")
    return data, filename
