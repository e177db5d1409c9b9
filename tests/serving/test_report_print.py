"""The HTML report on paper: printed to PDF by Chromium (as a lawyer's Print / Save as PDF does), a long contract's
report runs over more pages than a short one's, holds its last finding and the contract's last words, and keeps
the severity colours without the browser's "background graphics" option. Before, the screen's two scrolling panes
printed as one page: the rest cut off, the right column cut, the colours dropped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.cuad_split import in_split
from contracts.ingest import load_document
from contracts.playbook import SEVERITY_ORDER
from contracts.settings import clear_settings
from lexrisk.cli import main
from lexrisk.testing.app_up import CHROMIUM, chromium
from serving.html_page import SEVERITY_COLOUR
from tests.conftest import SAMPLE_TXT

pytest.importorskip("playwright.sync_api")
pdfium = pytest.importorskip("pypdfium2")
pytestmark = [pytest.mark.slow, pytest.mark.cuad]
LONG_ENOUGH = 30_000  # characters: a contract whose report cannot fit on one page


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    clear_settings()
    yield
    clear_settings()


def _long_train_contract(cuad_dir: Path) -> Path:
    """The first CUAD train contract (by name) of more than LONG_ENOUGH characters; never a dev one."""
    texts = sorted((cuad_dir / "full_contract_txt").glob("*.txt"))
    return next(p for p in texts if in_split(p.name, "train") and p.stat().st_size > LONG_ENOUGH)


def _report(contract: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, list[dict]]:
    """The contract's HTML report and the findings it lists (the JSON's, less the possible ones)."""
    assert main(["analyze", str(contract), "--format", "json"]) == 0
    listed = [f for f in json.loads(capsys.readouterr().out)["findings"] if not f["possible"]]
    assert main(["analyze", str(contract), "--format", "html", "--out", str(out)]) == 0
    capsys.readouterr()
    return out / f"{contract.stem}.html", listed


def _print(page_html: Path, pdf: Path, paper: str) -> Path:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(page_html.resolve().as_uri())
        page.pdf(path=str(pdf), format=paper)  # no print_background: the browser's default
    return pdf


def _letters(text: str) -> str:
    """`text`'s letters and digits: where the PDF breaks a line is the printer's choice, and the text it gives back
    drops the hyphen of a word broken at one ("non-\nexclusive" reads "nonexclusive")."""
    return "".join(ch for ch in text if ch.isalnum())


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def test_the_report_prints_whole_on_as_many_pages_as_it_needs(cuad_dir: Path, tmp_path: Path, monkeypatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (make test installs it)")
    monkeypatch.setenv("LEXRISK_INGEST_ISOLATION", "false")  # the page is the question, not the worker
    clear_settings()
    contract = _long_train_contract(cuad_dir)
    long_html, findings = _report(contract, tmp_path / "long", capsys)
    short_html, _ = _report(SAMPLE_TXT, tmp_path / "short", capsys)
    last = sorted(findings, key=lambda f: (-SEVERITY_ORDER[f["severity"]], f["start"]))[-1]
    severities = {f["severity"] for f in findings}
    for paper in ("A4", "Letter"):
        long_pdf = pdfium.PdfDocument(str(_print(long_html, tmp_path / f"long-{paper}.pdf", paper)))
        short_pdf = pdfium.PdfDocument(str(_print(short_html, tmp_path / f"short-{paper}.pdf", paper)))
        assert len(long_pdf) > len(short_pdf) >= 1 and len(long_pdf) > 2, paper
        printed = _letters(" ".join(page.get_textpage().get_text_range() for page in long_pdf))
        # the findings table, its right-hand column too ("Why it matters"), is printed to its last row ...
        assert _letters(last["explanation"]) in printed, paper
        # ... and the contract's text to its last words
        assert _letters(load_document(contract).text)[-80:] in printed, paper
        # every severity listed is printed in its colour (print-color-adjust), not dropped with the backgrounds
        pixels = {colour for page in long_pdf
                  for _, colour in page.render(scale=1).to_pil().convert("RGB").getcolors(1 << 24)}
        assert {s for s in severities if _rgb(SEVERITY_COLOUR[s]) in pixels} == severities, paper
