"""Word redline fidelity (#32): does the redline stay the firm's document?

Over formatted template/contract DOCX pairs generated with python-docx (tests/word/docx_pairs.py:
headings, multi-level automatic numbering, bold/italic/underline runs, tables, headers and footers,
footnotes, fields, a template that already holds tracked changes, a moved clause, content controls,
inserted clauses with hyperlinks, notes, bookmarks and comments of their own), every engine
writes a redline and each is checked:

- Reject All gives the template: the normal form (word.revisions) of the body, headers,
  footers and notes after rejecting everything equals the template's (with its own changes
  rejected), reported also per aspect for the body: paragraph texts, styles, numbering, run formatting;
- Accept All gives the contract, checked the same way against the contract with its changes accepted;
- the same two checks with jubarte-redlines' own Accept/Reject functions instead of ours (when --libs has
  it), a second opinion on word.revisions;
- the file opens: LibreOffice headless converts it to PDF (and page 1 to PNG, to look at);
- seconds per pair (the engine's call, warm) and start-up (import and first call, cold process).

Engines, each in its own process (two versions of lexrisk cannot share one): `lexrisk` (this tree:
ingest, clause alignment, word.files.redline_docx), `before` (the writer of the base commit given by
--base, a `git worktree add /tmp/wordbase COMMIT` checkout; b455a3a for the plain rebuild), and the libraries `python-redlines`
(Open-XML-PowerTools and Docxodus engines, .NET binaries) and `jubarte-redlines`, installed into a
separate folder given by --libs (`pip install --target DIR python-redlines==2.0.0
python-redlines-ooxmlpowertools==2.0.0 python-redlines-docxodus==2.0.0 jubarte-redlines==0.14.0`);
an engine that cannot be imported is reported as unavailable.

    PYTHONPATH=$PWD python benchmarks/docx_fidelity.py --base /tmp/wordbase --libs /tmp/libsite
"""

from __future__ import annotations

import argparse
import inspect
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from contracts.portable_paths import portable

ENGINES = ("lexrisk", "before", "python-redlines-xmlpowertools", "python-redlines-docxodus", "jubarte-redlines")
TITLE = "Redline: template.docx (template) -> contract.docx (contract)"


def _engine(name: str):
    """A function (template bytes, contract bytes) -> redline bytes, imported in this process."""
    if name in ("lexrisk", "before"):
        from contracts.compare import compare_documents, document_redline
        from contracts.ingest import load_bytes
        from word.files import redline_docx

        def ours(t: bytes, c: bytes) -> bytes:
            template, contract = load_bytes(t, "template.docx"), load_bytes(c, "contract.docx")
            comparison = compare_documents(contract, template)
            if name == "before" and "template_data" not in inspect.signature(redline_docx).parameters:
                # a base from before the redline kept the template's package (b455a3a): it rebuilt a plain file
                return redline_docx(document_redline(comparison, template, contract), heading=TITLE)  # type: ignore[call-arg,arg-type]
            return redline_docx(comparison, template, contract, template_data=t, contract_data=c, title=TITLE)

        return ours
    if name.startswith("python-redlines"):
        from python_redlines import DocxodusEngine, XmlPowerToolsEngine

        engine = XmlPowerToolsEngine() if name.endswith("xmlpowertools") else DocxodusEngine()
        return lambda t, c: engine.run_redline("lexrisk", t, c)[0]
    import jubarte_redlines

    return lambda t, c: jubarte_redlines.compare_documents(t, c, author="lexrisk")


def run_engine(name: str, pairs: Path, out: Path) -> None:
    """Child process: write out/<pair>.docx for every pairs/<pair>.template.docx and a timings file."""
    started = time.perf_counter()
    try:
        engine = _engine(name)
    except Exception as exc:
        (out / "timings.json").write_text(json.dumps({"unavailable": f"{type(exc).__name__}: {exc}"[:300]}))
        return
    timings: dict[str, object] = {}
    first = True
    for template in sorted(pairs.glob("*.template.docx")):
        stem = template.name.removesuffix(".template.docx")
        t, c = template.read_bytes(), (pairs / f"{stem}.contract.docx").read_bytes()
        try:
            if first:
                engine(t, c)
                timings["startup_s"] = round(time.perf_counter() - started, 3)
                first = False
            runs = []
            for _ in range(3):
                tick = time.perf_counter()
                data = engine(t, c)
                runs.append(time.perf_counter() - tick)
                if not zipfile.is_zipfile(io.BytesIO(data)):  # Open-XML-PowerTools returns no bytes for a text box
                    raise ValueError(f"the engine returned {len(data)} bytes that are not a .docx")
            (out / f"{stem}.docx").write_bytes(data)
            timings[stem] = round(min(runs), 4)
        except Exception as exc:
            timings[stem] = f"failed: {type(exc).__name__}: {str(exc)[:200]}"
    (out / "timings.json").write_text(json.dumps(timings))


def _opens(path: Path, png_dir: Path | None, profile: Path) -> bool:
    """LibreOffice headless converts the file to PDF with at least one page."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                                 "pdf", "--outdir", tmp, str(path)], capture_output=True, timeout=180, check=False)
        pdf = Path(tmp) / (path.stem + ".pdf")
        if result.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            return False
        if png_dir is not None and shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf),
                            str(png_dir / path.stem)], capture_output=True, timeout=120, check=False)
        return b"/Type /Page" in pdf.read_bytes() or b"/Type/Page" in pdf.read_bytes()


def check(redline: bytes, template: bytes, contract: bytes, independent=None) -> dict[str, object]:
    """Reject All against the template, Accept All against the contract, whole parts and body aspects.
    `independent`: jubarte-redlines' own accept/reject functions, as a second opinion on our transforms."""
    from word.revisions import package_form, paragraph_facts

    out: dict[str, object] = {}
    if independent is not None:
        accept, reject = independent
        for label, resolved, reference, mode in (("reject", reject, template, False), ("accept", accept, contract, True)):
            got, want = package_form(resolved(redline), None), package_form(reference, mode)
            out[f"{label}_all_by_jubarte"] = all(got.get(part) == form for part, form in want.items())
    for label, accept, reference in (("reject", False, template), ("accept", True, contract)):
        got, want = package_form(redline, accept), package_form(reference, accept)
        out[f"{label}_all"] = all(got.get(part) == form for part, form in want.items())
        body_got = paragraph_facts(got.get("word/document.xml", []))
        body_want = paragraph_facts(want["word/document.xml"])
        for aspect in ("texts", "styles", "numbering", "formatting"):
            out[f"{label}_{aspect}"] = body_got[aspect] == body_want[aspect]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, help="checkout of the base commit (today's writer)")
    parser.add_argument("--libs", type=Path, help="folder the redline libraries are installed in (--target)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--results", type=Path, default=Path("eval/results/docx_fidelity.json"))
    parser.add_argument("--pngs", type=Path, help="write page 1 of every redline here as PNG")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--pairs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        run_engine(args.engine, args.pairs, args.out)
        return 0

    sys.path.insert(0, str(Path.cwd()))
    from tests.word.docx_pairs import PAIRS, pair

    work = Path(tempfile.mkdtemp(prefix="docx_fidelity_"))
    pairs_dir = work / "pairs"
    pairs_dir.mkdir()
    sources = {}
    for name in PAIRS:
        t, c = pair(name)
        sources[name] = (t, c)
        (pairs_dir / f"{name}.template.docx").write_bytes(t)
        (pairs_dir / f"{name}.contract.docx").write_bytes(c)
    here = str(Path.cwd())
    independent = None
    if args.libs:
        sys.path.append(str(args.libs))
        try:
            import jubarte_redlines

            independent = (jubarte_redlines.accept_revisions, jubarte_redlines.reject_revisions)
        except ImportError:
            independent = None
    paths = {"lexrisk": here, "before": str(args.base) if args.base else None}
    results: dict[str, dict[str, object]] = {}
    for engine in args.engines.split(","):
        out = work / engine
        out.mkdir()
        if engine == "before" and not args.base:
            results[engine] = {"unavailable": "no --base checkout"}
            continue
        path = paths.get(engine) or (f"{here}:{args.libs}" if args.libs else here)
        env = {**os.environ, "PYTHONPATH": path}
        subprocess.run([sys.executable, __file__, "--engine", engine, "--pairs", str(pairs_dir), "--out", str(out)],
                       env=env, check=True, timeout=1800)
        timings = json.loads((out / "timings.json").read_text())
        if "unavailable" in timings:
            results[engine] = timings
            continue
        per_pair = {}
        for name, (t, c) in sources.items():
            file = out / f"{name}.docx"
            if not file.exists():
                per_pair[name] = {"error": timings.get(name)}
                continue
            png_dir = None
            if args.pngs:
                png_dir = args.pngs / engine
                png_dir.mkdir(parents=True, exist_ok=True)
            per_pair[name] = {**check(file.read_bytes(), t, c, independent), "opens_libreoffice": _opens(file, png_dir, work / "lo-profile"),
                              "seconds": timings.get(name)}
        results[engine] = {"startup_s": timings.get("startup_s"), "pairs": per_pair}
    summary = _summary(results)
    text_inputs = _text_inputs(work)
    payload = {"protocol": __doc__, "pairs": list(PAIRS), "engines": results, "summary": summary,
               "text_inputs": text_inputs}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(portable(payload), indent=2) + "\n")
    _print(summary)
    print("TXT inputs (lexrisk, generated DOCX on both sides):", json.dumps(text_inputs))
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _text_inputs(work: Path) -> dict[str, object]:
    """The shipped MSA template (TXT) against an edited copy: the redline is written over generated
    contract-like DOCX files; Reject/Accept All must give those, with real headings and numbering."""
    import docx

    from contracts.compare import compare_documents
    from contracts.documents import Document
    from contracts.ingest import load_document
    from word.files import redline_docx
    from word.generate import generate_docx
    from word.revisions import package_form
    from word.runs import paragraph_text

    template = load_document(Path("examples/templates/master_services_agreement.txt"))
    text = template.text.replace("twelve (12) months preceding", "six (6) months preceding")
    text += "\n\n7.6 Audit. Provider may audit Customer's records once a year.\n"
    contract = Document.from_text("draft.txt", text)
    tick = time.perf_counter()
    data = redline_docx(compare_documents(contract, template), template, contract)
    seconds = time.perf_counter() - tick
    body = "word/document.xml"
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    path = work / "msa_txt.docx"
    path.write_bytes(data)
    return {
        "reject_all": package_form(data, False)[body] == package_form(generate_docx(template), None)[body],
        "accept_all": package_form(data, True)[body] == package_form(generate_docx(contract), None)[body],
        "paragraphs": len(paragraphs),
        "empty_paragraphs": sum(not paragraph_text(p._p).strip() for p in paragraphs),  # runs in w:ins count
        "heading_paragraphs": sum(bool(p.style and p.style.name.startswith(("Heading", "Title"))) for p in paragraphs),
        "auto_numbered_paragraphs": sum(p._p.pPr is not None and p._p.pPr.numPr is not None for p in paragraphs),
        "opens_libreoffice": _opens(path, None, work / "lo-profile"),
        "seconds": round(seconds, 3),
    }


CHECKS = ("reject_all", "accept_all", "reject_all_by_jubarte", "accept_all_by_jubarte", "reject_styles",
          "reject_numbering", "reject_formatting", "accept_styles", "accept_numbering", "accept_formatting",
          "opens_libreoffice")


def _summary(results: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    summary: dict[str, dict[str, object]] = {}
    for engine, result in results.items():
        pairs = result.get("pairs")
        if not isinstance(pairs, dict):
            summary[engine] = {"unavailable": result.get("unavailable")}
            continue
        done = [p for p in pairs.values() if "error" not in p]
        row: dict[str, object] = {"pairs_written": f"{len(done)}/{len(pairs)}"}
        for name in CHECKS:
            row[name] = round(100 * sum(bool(p.get(name)) for p in done) / len(pairs), 1) if pairs else 0.0
        seconds = [p["seconds"] for p in done if isinstance(p.get("seconds"), float)]
        row["seconds_per_pair"] = round(sum(seconds) / len(seconds), 4) if seconds else None
        row["startup_s"] = result.get("startup_s")
        summary[engine] = row
    return summary


def _print(summary: dict[str, dict[str, object]]) -> None:
    columns = ["pairs_written", *CHECKS, "seconds_per_pair", "startup_s"]
    print("engine".ljust(32) + " ".join(c[:12].rjust(12) for c in columns))
    for engine, row in summary.items():
        if "unavailable" in row:
            print(engine.ljust(32) + f"unavailable: {row['unavailable']}")
            continue
        print(engine.ljust(32) + " ".join(str(row.get(c)).rjust(12) for c in columns))


if __name__ == "__main__":
    raise SystemExit(main())
