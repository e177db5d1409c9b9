"""A DOCX that already holds tracked changes is read as its accepted view, and says so."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml

from contracts.ingest import load_bytes

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for xml in paragraphs:
        document.element.body.insert(len(document.element.body) - 1, parse_xml(f"<w:p {NS}>{xml}</w:p>"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_tracked_changes_are_read_accepted() -> None:
    data = _docx([
        '<w:r><w:t xml:space="preserve">1. Payment. Pay within </w:t></w:r>'
        '<w:del w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>thirty (30)</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t>sixty (60)</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> days.</w:t></w:r>',
        '<w:moveFrom w:id="3" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t>Moved away.</w:t></w:r></w:moveFrom>'
        '<w:r><w:t xml:space="preserve">2. Law. New York.</w:t></w:r>',
        '<w:ins w:id="4" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t>3. Notices. By email.</w:t></w:r></w:ins>',
    ])
    document = load_bytes(data, "draft.docx")
    assert document.metadata == {"tracked_changes": "accepted"}
    assert "Pay within sixty (60) days." in document.text
    assert "thirty" not in document.text and "Moved away" not in document.text
    assert "3. Notices. By email." in document.text


def test_a_clean_docx_has_no_tracked_changes_note() -> None:
    document = load_bytes(_docx(['<w:r><w:t>1. Payment. Pay within thirty (30) days.</w:t></w:r>']), "clean.docx")
    assert document.metadata == {} and "thirty (30)" in document.text
