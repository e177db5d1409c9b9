"""The bounds every file is read within. One object, so the API, the workers, `lexrisk analyze` and the
fuzz benchmark apply the same guards; the defaults come from the settings (docs/settings.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracts.settings import CommonSettings

MIB = 1024 * 1024


def mib(n_bytes: float) -> str:
    """Sizes in one unit everywhere (MiB: the limits are set in binary megabytes)."""
    return f"{n_bytes / MIB:.1f} MiB"


@dataclass(frozen=True)
class IngestLimits:
    max_bytes: int = 25 * MIB
    max_pages: int = 500
    # a DOCX is a zip: what it may unpack to, checked member by member before any XML is parsed
    max_unpacked_bytes: int = 100 * MIB
    max_xml_bytes: int = 25 * MIB
    max_zip_members: int = 2000
    max_zip_ratio: float = 200.0
    # text no contract has: CUAD's longest holds 300,304 characters; a PDF page can unpack to megabytes
    max_text_chars: int = 2_000_000
    max_pdf_page_bytes: int = MIB
    # the file's budget: the backstop around the parsers (serving/isolation.py) and the analysis
    timeout_s: float = 20.0
    memory_bytes: int = 1024 * MIB

    @classmethod
    def from_settings(cls, settings: CommonSettings) -> IngestLimits:
        return cls(max_bytes=settings.max_upload_bytes, max_pages=settings.max_pages,
                   max_unpacked_bytes=int(settings.max_unpacked_mb * MIB),
                   max_xml_bytes=int(settings.max_docx_xml_mb * MIB),
                   max_zip_members=settings.max_zip_members, max_zip_ratio=settings.max_zip_ratio,
                   max_text_chars=settings.max_text_chars,
                   max_pdf_page_bytes=int(settings.max_pdf_page_mb * MIB),
                   timeout_s=settings.file_budget_s, memory_bytes=int(settings.file_memory_mb * MIB))

    @classmethod
    def current(cls) -> IngestLimits:
        """The limits of the process's settings (LEXRISK_* variables, .env)."""
        from contracts.settings import CommonSettings, load_settings

        return cls.from_settings(load_settings(CommonSettings))

    def with_overrides(self, *, max_bytes: int | None = None, max_pages: int | None = None) -> IngestLimits:
        changes = {k: v for k, v in (("max_bytes", max_bytes), ("max_pages", max_pages)) if v is not None}
        return replace(self, **changes) if changes else self
