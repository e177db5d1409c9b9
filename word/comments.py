"""Word comments anchored on character offsets of `Document.text`, written into the uploaded file
itself (or, for a PDF or TXT, into the contract-like DOCX of `word.generate`).

`Commenter.add(start, end, text)` is the one call every writer of comments uses (findings, template
deviations, proofing items): it cuts the runs at the span's edges (each piece keeps its `w:rPr`) and
places `w:commentRangeStart`/`w:commentRangeEnd` and the reference through python-docx 1.2's comments
part. Nothing else in the body changes."""

from __future__ import annotations

import io
from typing import Any

from contracts.documents import Document
from word.runs import Located, isolate, paragraph_offsets

AUTHOR = "lexrisk"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TRACKED = (f"{W}ins", f"{W}moveTo", f"{W}del", f"{W}moveFrom")


def _outside_tracked_change(last: Any) -> None:
    """python-docx puts the range end and the reference right after the span's last run; when that run
    is someone's tracked insertion, the reference would be part of it, and rejecting their change
    would delete lexrisk's comment with it. Both move to just after the tracked change."""
    end, reference = last.getnext(), last.getnext().getnext()
    wrapper = last.getparent()
    while wrapper.tag not in _TRACKED and wrapper.tag != f"{W}p":
        wrapper = wrapper.getparent()
    if wrapper.tag == f"{W}p" or wrapper.getparent() is None:
        return
    wrapper.addnext(reference)
    wrapper.addnext(end)


class Commenter:
    """An opened copy of a contract's Word file that comments can be added to, then saved."""

    def __init__(self, document: Document, data: bytes | None = None) -> None:
        import docx

        from word.generate import generate_docx

        source = data if data is not None and document.source_type == "docx" else generate_docx(document)
        self.word = docx.Document(io.BytesIO(source))
        self.located: list[Located] = paragraph_offsets(self.word.element.body, document.text)

    def _runs(self, start: int, end: int) -> list[Any]:
        hit = [loc for loc in self.located if loc.start < end and start < loc.end]
        if not hit:  # an empty span, or text outside the body (a header): the paragraph at or before it
            before = [loc for loc in self.located if loc.start <= start] or self.located[:1]
            if not before:
                return []
            loc = before[-1]
            return isolate(loc.p, 0, loc.raw_span(loc.start, loc.end)[1])
        first, last = hit[0], hit[-1]
        a, b = first.raw_span(start, end)
        if first is last:
            return isolate(first.p, a, b)
        head = isolate(first.p, a, first.raw_span(start, end)[1])
        tail = isolate(last.p, *last.raw_span(start, end))
        return head[:1] + tail[-1:] if head and tail else head or tail

    def add(self, start: int, end: int, text: str, *, more: tuple[str, ...] = (), author: str = AUTHOR,
            initials: str = "LR") -> bool:
        """Comment `text` (and further paragraphs `more`) on the contract's characters [start, end).
        False when the document has no paragraph to anchor it on."""
        from docx.text.run import Run

        from word.runs import xml_safe as _xml_safe

        runs = self._runs(start, end)
        if not runs:
            return False
        comment = self.word.add_comment([Run(runs[0], None), Run(runs[-1], None)],  # type: ignore[arg-type]
                                        text=_xml_safe(text), author=author, initials=initials)
        _outside_tracked_change(runs[-1])
        for paragraph in more:
            comment.add_paragraph(_xml_safe(paragraph))
        return True

    def save(self, title: str | None = None) -> bytes:
        """The file's bytes; `title` goes into the document properties, not the body."""
        if title:
            from word.runs import xml_safe as _xml_safe

            self.word.core_properties.title = _xml_safe(title)[:255]
        buffer = io.BytesIO()
        self.word.save(buffer)
        return buffer.getvalue()
