"""A contract as lexrisk sees it: one normalised text, where each page starts and ends in it, and the
hash of the source bytes. Every offset anywhere in lexrisk indexes into `Document.text`."""

from __future__ import annotations

import bisect
import hashlib
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, Field, model_validator

SourceType = Literal["pdf", "docx", "txt"]


class PageSpan(BaseModel, frozen=True):
    number: int = Field(description="1-based page number")
    start: int
    end: int


class DocumentInfo(BaseModel):
    """What a result says about its document: enough to identify it, never the text itself."""

    name: str
    sha256: str
    pages: int
    chars: int


class Document(BaseModel):
    name: str
    sha256: str
    source_type: SourceType
    text: str
    pages: list[PageSpan]
    metadata: dict[str, str] = Field(
        default_factory=dict, description="how the text was read, e.g. tracked_changes: accepted")

    @model_validator(mode="after")
    def _pages_tile_text(self) -> Document:
        pos = 0
        for page in self.pages:
            if page.start != pos or page.end < page.start:
                raise ValueError(f"page {page.number} does not start where the previous page ended")
            pos = page.end
        if pos != len(self.text):
            raise ValueError("pages do not cover the whole text")
        return self

    @classmethod
    def from_text(cls, name: str, text: str, *, source_type: SourceType = "txt",
                  sha256: str | None = None) -> Document:
        """A single-page document: a text with no page map (a text file read from bytes has its form feeds'
        pages: contracts.ingest)."""
        digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
        return cls(name=name, sha256=digest, source_type=source_type, text=text,
                   pages=[PageSpan(number=1, start=0, end=len(text))])

    @classmethod
    def from_pages(cls, name: str, pages: list[str], *, source_type: SourceType, sha256: str,
                   separator: str = "\n\n") -> Document:
        parts: list[str] = []
        spans: list[PageSpan] = []
        pos = 0
        for i, page in enumerate(pages, start=1):
            chunk = page if i == len(pages) else page + separator
            parts.append(chunk)
            spans.append(PageSpan(number=i, start=pos, end=pos + len(chunk)))
            pos += len(chunk)
        return cls(name=name, sha256=sha256, source_type=source_type, text="".join(parts), pages=spans)

    def page_of(self, offset: int) -> int:
        """The page holding character `offset`. Where each page starts is built once per page list (every
        finding, term and proofing item asks), and rebuilt if a copy was given other pages."""
        pages, starts = self._page_starts
        if pages is not self.pages:  # a copy with other pages carries the original's cache
            del self.__dict__["_page_starts"]
            pages, starts = self._page_starts
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        return self.pages[index].number

    @cached_property
    def _page_starts(self) -> tuple[list[PageSpan], list[int]]:
        return self.pages, [p.start for p in self.pages]

    @property
    def info(self) -> DocumentInfo:
        return DocumentInfo(name=self.name, sha256=self.sha256, pages=len(self.pages), chars=len(self.text))
