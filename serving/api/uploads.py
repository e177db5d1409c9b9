"""Reading an upload within the size limit. The body as a whole is bounded by serving.api.gate before
it is parsed; the file's own read stops one byte past the file limit."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import Depends, File, Request, UploadFile

from contracts.filenames import safe_name
from serving.errors import InvalidInput, TooLarge
from serving.settings import ServiceSettings


async def one_part_each(request: Request, file: Annotated[UploadFile | str, File(
        description="PDF, DOCX or TXT, with a filename; one file per request")]) -> UploadFile | str:
    """The upload's `file` part, refused when the request holds more than one, or more than one part of any
    other field: FastAPI binds a repeated field to its last part, so the other files were dropped without a
    word while the client, a document system sending a batch, took the 2xx for all of them; and a second
    `analyzer`, `template_id`, `callback_url` or `name` silently replaced the first."""
    form = await request.form()  # already parsed to bind `file`: Starlette keeps it on the request
    parts = Counter(key for key, _ in form.multi_items())
    if parts["file"] > 1:
        raise InvalidInput(f"the request holds {parts['file']} 'file' parts; send one file per request",
                           code="one_file_per_upload")
    if repeated := [f"{key!r} {count} times" for key, count in parts.items() if count > 1]:
        raise InvalidInput(f"the form sends {', '.join(repeated)}; send each field once", code="repeated_field")
    return file


FilePart = Annotated[UploadFile | str, Depends(one_part_each)]


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
