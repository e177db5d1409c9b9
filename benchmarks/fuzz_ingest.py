"""Fuzz the ingestion path with hostile PDFs, DOCX and TXT made from the example and CUAD contracts.

    python benchmarks/fuzz_ingest.py [--count 3000] [--seed 11] [--out eval/results/fuzz_ingest.json]

Each file goes through the production path, `serving.isolation.read_isolated` (the guards in a child
process under the time and memory budget), and ends as one of: ok, clean error (an IngestError with a
code), crash (an exception no guard caught, or a dead child), hang (killed at the time budget) or
over-memory (the memory budget, or a peak over 1 GiB). The aim (issue #11): 0 crashes, 0 hangs, peak
under 1 GiB, no file over 10 s. The files: a fixed set of crafted attacks (zip and XML bombs, a 10,000-page
PDF, self-based styles, huge numbers, broken xref, ...) and seeded random mutations of the seeds (byte
flips, truncation, XML and PDF token edits, encodings, wrong extensions). It also measures what isolation
costs a normal file: the seeds read in-process and isolated, and the child's start. With `--compare-ref`
(default: 12f8da2, the code before the guards) the same files are replayed in-process through that
version's `contracts` (benchmarks/fuzz_replay.py), the named alternative the figures are compared with."""

from __future__ import annotations

import argparse
import io
import json
import pickle
import platform
import random
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table

from contracts.cuad import text_files
from contracts.ingest import load_bytes
from contracts.limits import MIB, IngestLimits
from lexrisk.settings import get_settings
from lexrisk.testing import hostile_files as hostile
from serving import isolation

REPO = Path(__file__).resolve().parent.parent
SLOW_S = 10.0
PEAK_LIMIT = 1024 * MIB
OUTCOMES = ("ok", "clean error", "crash", "hang", "over-memory")

Case = tuple[str, str, bytes]  # (how it was made, file name, bytes)


# -- seeds ------------------------------------------------------------------------------------------------

def _docx_from_text(text: str) -> bytes:
    """A DOCX of a CUAD contract's text, with numbered paragraphs and a table, as Word users write them."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL"
    for i, block in enumerate(b for b in text.split("\n\n") if b.strip()):
        style = "List Number" if i % 7 == 3 else None
        document.add_paragraph(block.strip()[:2000], style=style)
        if i == 5:
            table = document.add_table(rows=2, cols=2)
            table.cell(0, 0).text, table.cell(0, 1).text = "Fee", "Amount"
            table.cell(1, 0).merge(table.cell(1, 1)).text = "merged"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def load_seeds(cuad_dir: Path, cuad_files: int) -> list[tuple[str, bytes]]:
    seeds = [(p.name, p.read_bytes()) for p in sorted((REPO / "examples" / "contracts").iterdir())
             if p.suffix in (".pdf", ".docx", ".txt")]
    pdfs = sorted((p for p in (cuad_dir / "full_contract_pdf").rglob("*") if p.suffix.lower() == ".pdf"),
                  key=lambda p: p.stat().st_size)
    txts = sorted(text_files(cuad_dir), key=lambda p: p.stat().st_size)
    for path in pdfs[:cuad_files]:  # the smallest: the run must fit ten minutes on a shared machine
        seeds.append((f"cuad-{len(seeds)}.pdf", path.read_bytes()))
    for path in txts[:cuad_files]:
        text = path.read_text("utf-8", errors="replace")
        seeds.append((f"cuad-{len(seeds)}.txt", text.encode()))
        seeds.append((f"cuad-{len(seeds)}.docx", _docx_from_text(text)))
    return seeds


# -- crafted attacks --------------------------------------------------------------------------------------

def crafted(seeds: list[tuple[str, bytes]]) -> Iterator[Case]:
    """The attacks of issue #11, each built once."""
    from pypdf import PdfWriter

    base = next(data for name, data in seeds if name.endswith(".docx"))
    text = b"BT /F1 12 Tf 72 700 Td (The Supplier shall deliver the Products on time.) Tj ET"
    yield "docx: zip bomb, 300 MB of valid paragraphs", "bomb.docx", hostile.streamed_member_docx(
        base, f'<w:document xmlns:w="{hostile.W_NS}"><w:body>'.encode(),
        hostile.paragraph("The Supplier shall deliver.").encode() * 10_000, 300 * MIB, b"</w:body></w:document>")
    yield "docx: one 1 GB text node", "node.docx", hostile.streamed_member_docx(
        base, f'<w:document xmlns:w="{hostile.W_NS}"><w:body><w:p><w:r><w:t>'.encode(), b"x" * MIB, 1024 * MIB,
        b"</w:t></w:r></w:p></w:body></w:document>")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = hostile.zip_members(base)
    bomb[hostile.DOC_XML] = (f'<!DOCTYPE w:document [<!ENTITY l0 "lol">{laughs}]>'
                             f'<w:document xmlns:w="{hostile.W_NS}"><w:body>{hostile.paragraph("&l9;")}</w:body>'
                             "</w:document>").encode()
    yield "docx: XML entity bomb (billion laughs)", "laughs.docx", hostile.make_zip(bomb)
    yield "docx: XML nested 100,000 deep", "deep.docx", hostile.with_body(base, "<w:p>" * 100_000 + "</w:p>" * 100_000)
    flood = hostile.zip_members(base)
    flood.update({f"junk/{i}": b"" for i in range(60_000)})
    yield "docx: 60,000 zip members", "flood.docx", hostile.make_zip(flood, zipfile.ZIP_STORED)
    yield "docx: encrypted flag", "flag.docx", hostile.patch_zip_headers(base, 6, 8, lambda v: v | 1)
    yield "docx: unknown compression method", "ppmd.docx", hostile.patch_zip_headers(base, 8, 10, lambda v: 98)
    yield "docx: no body", "nobody.docx", hostile.make_zip(
        {**hostile.zip_members(base), hostile.DOC_XML: f'<w:document xmlns:w="{hostile.W_NS}"/>'.encode()})
    numbering = (f'<w:numbering xmlns:w="{hostile.W_NS}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
                 '<w:start w:val="100000000000"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%1."/></w:lvl>'
                 '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>').encode()
    yield "docx: numbering start 10^11 in roman numerals", "roman.docx", hostile.with_body(
        _docx_from_text("List\n\nitem"),
        hostile.paragraph("Term", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'),
        **{"word/numbering.xml": numbering})
    styles = (f'<w:styles xmlns:w="{hostile.W_NS}"><w:style w:type="paragraph" w:styleId="S"><w:basedOn w:val="S"/>'
              "</w:style></w:styles>").encode()
    yield "docx: style based on itself", "loop.docx", hostile.with_body(
        base, hostile.paragraph("Looped", '<w:pStyle w:val="S"/>'), **{"word/styles.xml": styles})
    yield "docx: gridSpan 10^8", "span.docx", hostile.with_body(
        base, '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr>' + hostile.paragraph("Fee")
        + "</w:tc></w:tr></w:tbl>")
    yield "docx: header reference to a missing part", "hdr.docx", hostile.with_body(
        base, hostile.paragraph("Body") + '<w:sectPr><w:headerReference w:type="default" r:id="rId999"/></w:sectPr>')
    for name in ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels"):
        yield f"docx: garbage {name}", "garbage.docx", hostile.make_zip({**hostile.zip_members(base), name: b"<x>garbage"})
    writer = PdfWriter()
    for _ in range(10_000):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    yield "pdf: 10,000 pages", "pages.pdf", buffer.getvalue()
    yield "pdf: /Count of 10^9 on one page", "count.pdf", hostile.raw_pdf(text, count=10**9)
    yield "pdf: operands nested 50,000 deep", "nested.pdf", hostile.raw_pdf(
        b"[" * 50_000 + b"]" * 50_000 + b" " + text)
    yield "pdf: 200 MB flate bomb", "flate.pdf", hostile.raw_pdf(zlib.compress(b" " * (200 * MIB), 9),
                                                                  filters="/Filter /FlateDecode")
    yield "pdf: huge startxref", "xref.pdf", hostile.raw_pdf(text, startxref=b"9" * 40)
    yield "pdf: unknown filter", "filter.pdf", hostile.raw_pdf(text, filters="/Filter /NoSuchDecode")
    yield "pdf: JBIG2 stream", "jbig2.pdf", hostile.raw_pdf(text, filters="/Filter /JBIG2Decode")
    yield "pdf: 100,000 filters", "filters.pdf", hostile.raw_pdf(
        text, filters="/Filter [" + "/FlateDecode " * 100_000 + "]")
    sample = "Licensee shall pay the Royalty within thirty days.\nSection 2. Term.\n" * 50
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1252", "utf-8-sig"):
        yield f"txt: {encoding} without BOM", "wide.txt", sample.encode(encoding)
    yield "txt: one NUL byte", "nul.txt", sample.encode()[:100] + b"\x00" + sample.encode()[100:]
    yield "txt: random bytes", "random.txt", random.Random(1).randbytes(200_000)
    yield "txt: random bytes without NUL", "random.txt", random.Random(1).randbytes(200_000).replace(b"\x00", b"\x01")
    yield "txt: JPEG named .txt", "photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(2).randbytes(50_000)
    yield "txt: HTML named .txt", "page.txt", b"<!DOCTYPE html><html><body>" + sample.encode() + b"</body></html>"
    yield "txt: 100,000 combining marks", "zalgo.txt", ("a" + "\u0301\u0316" * 50_000).encode()
    yield "txt: 24 MB without a line break", "line.txt", b"word " * (24 * MIB // 5)
    yield "txt: 10 MB of short numbered lines", "lines.txt", "".join(
        f"{i % 999 + 1}. Item\n" for i in range(1_200_000)).encode()[:10 * MIB]


# -- random mutations -------------------------------------------------------------------------------------

def _flip(rng: random.Random, data: bytes, n: int) -> bytes:
    out = bytearray(data)
    for _ in range(n):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _numbers(rng: random.Random, data: bytes) -> bytes:
    """Replace a few numbers with hostile ones: huge, negative, zero, not numbers."""
    matches = list(re.finditer(rb"\d+", data))
    out = data
    for match in sorted(rng.sample(matches, min(len(matches), rng.randint(1, 5))), key=lambda m: -m.start()):
        value = rng.choice([b"0", b"-1", b"99999999999", b"1e308", b"x", b"2147483648", b"NaN", b""])
        out = out[:match.start()] + value + out[match.end():]
    return out


def _mutate_bytes(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["flip", "flips", "truncate", "zero", "splice", "numbers"])
    if kind == "flip":
        return kind, _flip(rng, data, 1)
    if kind == "flips":
        return kind, _flip(rng, data, rng.randint(2, 200))
    if kind == "truncate":
        return kind, data[:rng.randrange(1, len(data))]
    if kind == "zero":
        at = rng.randrange(len(data))
        return kind, data[:at] + bytes(min(4096, len(data) - at)) + data[at + 4096:]
    if kind == "splice":
        a, b = sorted(rng.randrange(len(data)) for _ in range(2))
        return kind, data[:a] + data[b:b + 4096] * rng.randint(1, 50) + data[a:]
    return kind, _numbers(rng, data)


def _mutate_docx(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    members = hostile.zip_members(data)
    xml = [n for n in members if n.endswith((".xml", ".rels"))]
    target = rng.choice(xml)
    kind, body = _mutate_bytes(rng, members[target])
    if rng.random() < 0.3:
        body, kind = re.sub(rb'w:val="[^"]*"', lambda m: rng.choice([b'w:val="99999999999"', b'w:val="x"',
                                                                         b'w:val="-5"', m.group()]), body), "attrs"
    members[target] = body
    return f"{kind} in {target}", hostile.make_zip(members)


def _mutate_pdf(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    kind = rng.choice(["bytes", "xref", "count", "numbers"])
    if kind == "xref":
        at = data.rfind(b"startxref")
        return "broken xref", data[:at] + b"startxref\n" + str(rng.randrange(10**9)).encode() + b"\n%%EOF\n" if at > 0 else data
    if kind == "count":
        return "page /Count", re.sub(rb"/Count \d+", b"/Count " + str(rng.choice([0, -1, 10**6, 10**12])).encode(), data)
    if kind == "numbers":
        return "numbers", _numbers(rng, data)
    return _mutate_bytes(rng, data)


def _mutate_txt(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    text = data.decode("utf-8", errors="replace")
    kind = rng.choice(["encode", "bytes", "controls", "marks"])
    if kind == "encode":
        encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "cp1252", "latin-1", "cp437"])
        return f"encoded {encoding}", text.encode(encoding, errors="replace")
    if kind == "controls":
        out = bytearray(data)
        for _ in range(rng.randint(1, 50)):
            out.insert(rng.randrange(len(out)), rng.randrange(32))
        return kind, bytes(out)
    if kind == "marks":
        at = rng.randrange(len(text))
        return kind, (text[:at] + "".join(chr(rng.randrange(0x300, 0x370)) for _ in range(rng.randint(10, 5000)))
                      + text[at:]).encode()
    return _mutate_bytes(rng, data)


def mutations(seeds: list[tuple[str, bytes]], count: int, rng: random.Random) -> Iterator[Case]:
    suffixes = [".pdf", ".docx", ".txt", ".md", ".doc", ""]
    for i in range(count):
        name, data = seeds[i % len(seeds)]
        stem, suffix = name.rsplit(".", 1)[0], "." + name.rsplit(".", 1)[1]
        mutate = {".pdf": _mutate_pdf, ".docx": _mutate_docx}.get(suffix, _mutate_txt)
        how, out = mutate(rng, data)
        if rng.random() < 0.1:
            suffix = rng.choice(suffixes)
            how += f", renamed {suffix or '(no suffix)'}"
        yield f"{name.rsplit('.', 1)[1]}: {how}", f"{stem}-{i}{suffix}", out


# -- the run ----------------------------------------------------------------------------------------------

def classify(outcome: isolation.Outcome) -> str:
    if outcome.ended in ("crash", "died"):
        return "crash"
    if outcome.ended == "timeout":
        return "hang"
    if outcome.ended == "memory" or outcome.stats.peak_rss_bytes > PEAK_LIMIT:
        return "over-memory"
    return "ok" if outcome.ended == "ok" else "clean error"


def overhead(seeds: list[tuple[str, bytes]], limits: IngestLimits, repeats: int) -> dict:
    """Normal files read in-process and isolated (warm child), and the isolated child's cold start."""
    isolation.shutdown()
    started = time.perf_counter()
    isolation.read_isolated(b"warm up", "warm.txt", limits=limits)
    cold = time.perf_counter() - started
    rows = {}
    for name, data in seeds:
        timings: dict[str, list[float]] = {"in_process": [], "isolated": []}
        for _ in range(repeats):
            for mode in timings:
                started = time.perf_counter()
                if mode == "isolated":
                    isolation.load_isolated(data, name, limits=limits)
                else:
                    load_bytes(data, name, limits=limits)
                timings[mode].append(time.perf_counter() - started)
        inproc, isolated = statistics.median(timings["in_process"]), statistics.median(timings["isolated"])
        rows[name] = {"bytes": len(data), "in_process_ms": round(inproc * 1000, 2),
                      "isolated_ms": round(isolated * 1000, 2), "overhead_ms": round((isolated - inproc) * 1000, 2)}
    return {"child_start_s": round(cold, 3), "repeats": repeats, "files": rows}


def replay_at(ref: str, cases: list[Case], timeout_s: float, memory_mib: int) -> dict[str, Any]:
    """The same cases through the `contracts` package of git `ref`, in one process (benchmarks/fuzz_replay.py)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", ref, "contracts"],
                             check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        cases_path = Path(tmp) / "cases.pkl"
        cases_path.write_bytes(pickle.dumps(cases))
        run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "fuzz_replay.py"), str(cases_path),
                              str(timeout_s), str(memory_mib)], capture_output=True, text=True,
                             env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin", "LEXRISK_CUAD_DIR": "/nonexistent"},
                             cwd=tmp)
    if run.returncode != 0:
        return {"ref": ref, "error": (run.stderr.strip().splitlines() or ["no output"])[-1]}
    replay = json.loads(run.stdout.strip().splitlines()[-1])
    totals: Counter[str] = Counter()
    for counts in replay["by_kind"].values():
        totals.update(counts)
    return {"ref": ref, "outcomes": {o: totals[o] for o in OUTCOMES},
            "by_kind": {k: {o: c.get(o, 0) for o in OUTCOMES} for k, c in sorted(replay["by_kind"].items())},
            "crash_exceptions": replay["crash_exceptions"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="random mutations (the crafted attacks come on top)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cuad", type=Path, default=get_settings().cuad_dir)
    parser.add_argument("--cuad-files", type=int, default=3, help="smallest CUAD PDFs and texts used as seeds")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a read counts as a hang")
    parser.add_argument("--compare-ref", default="12f8da2",
                        help="git ref whose contracts/ replays the same files in-process ('' to skip)")
    parser.add_argument("--out", type=Path, default=Path("eval/results/fuzz_ingest.json"))
    args = parser.parse_args()
    console = Console()
    cuad = args.cuad if args.cuad.is_absolute() else (REPO / args.cuad).resolve()
    seeds = load_seeds(cuad, args.cuad_files)
    limits = IngestLimits.from_settings(get_settings())
    limits = IngestLimits(**{**limits.__dict__, "timeout_s": args.timeout})
    rng = random.Random(args.seed)

    cost = overhead(seeds, limits, repeats=5)
    cases = [*crafted(seeds), *mutations(seeds, args.count, rng)]
    by_kind: dict[str, Counter[str]] = {}
    worst_time: tuple[float, str] = (0.0, "")
    worst_peak: tuple[int, str] = (0, "")
    failures: list[dict[str, Any]] = []
    codes: Counter[str] = Counter()
    started = time.perf_counter()
    for how, name, data in track(cases, description="fuzzing", console=console, transient=True):
        outcome = isolation.read_isolated(data, name, limits=limits)
        verdict = classify(outcome)
        kind = how.split(":")[0]
        by_kind.setdefault(kind, Counter())[verdict] += 1
        if outcome.error is not None:
            codes[outcome.error.code] += 1
        if outcome.stats.wall_s > worst_time[0]:
            worst_time = (outcome.stats.wall_s, how)
        if outcome.stats.peak_rss_bytes > worst_peak[0]:
            worst_peak = (outcome.stats.peak_rss_bytes, how)
        if verdict in ("crash", "hang", "over-memory") or outcome.stats.wall_s > SLOW_S:
            failures.append({"case": how, "name": name, "verdict": verdict, "wall_s": round(outcome.stats.wall_s, 2),
                             "peak_mib": round(outcome.stats.peak_rss_bytes / MIB, 1),
                             "error": str(outcome.error) if outcome.error else None,
                             "trace": (outcome.trace or "").splitlines()[-3:]})
    elapsed = time.perf_counter() - started
    isolation.shutdown()
    before = replay_at(args.compare_ref, cases, args.timeout, 3072) if args.compare_ref else None

    totals = sum(by_kind.values(), Counter())
    table = Table(title=f"fuzz_ingest: {len(cases)} hostile files (seed {args.seed}) through the isolated reader")
    for column in ("kind", "files", *OUTCOMES):
        table.add_column(column, justify="right")
    for kind, counts in [*sorted(by_kind.items()), ("all", totals)]:
        table.add_row(kind, str(sum(counts.values())), *(str(counts[o]) for o in OUTCOMES))
    if before and "outcomes" in before:
        for kind, old in [*before["by_kind"].items(), ("all", before["outcomes"])]:
            table.add_row(f"{kind} @ {before['ref']}", str(sum(old.values())), *(str(old[o]) for o in OUTCOMES),
                          style="dim")
    console.print(table)
    if before and "error" in before:
        console.print(f"[red]replay at {before['ref']} failed: {before['error']}[/red]")
    console.print(f"worst time {worst_time[0]:.2f} s ({worst_time[1]}); worst peak {worst_peak[0] / MIB:.0f} MiB "
                  f"({worst_peak[1]}); files over {SLOW_S:g} s: {sum(f['wall_s'] > SLOW_S for f in failures)}; "
                  f"run {elapsed:.0f} s")
    cost_table = Table(title=f"isolation overhead on normal files (median of {cost['repeats']}; "
                             f"child start {cost['child_start_s']:.2f} s, once per process)")
    for column in ("file", "bytes", "in-process ms", "isolated ms", "overhead ms"):
        cost_table.add_column(column, justify="right")
    for name, row in cost["files"].items():
        cost_table.add_row(name, str(row["bytes"]), f'{row["in_process_ms"]:.1f}', f'{row["isolated_ms"]:.1f}',
                           f'{row["overhead_ms"]:.1f}')
    console.print(cost_table)
    for failure in failures[:20]:
        console.print(f"[red]{failure['verdict']}[/red] {failure['case']}: {failure['error']}", highlight=False)

    result = {
        "benchmark": "fuzz_ingest",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "config": {"count": args.count, "seed": args.seed, "cuad_files": args.cuad_files, "timeout_s": args.timeout,
                   "memory_budget_mib": limits.memory_bytes // MIB, "seeds": [n for n, _ in seeds]},
        "files": len(cases),
        "outcomes": {o: totals[o] for o in OUTCOMES},
        "by_kind": {k: {o: c[o] for o in OUTCOMES} for k, c in sorted(by_kind.items())},
        "error_codes": dict(codes.most_common()),
        "worst_time_s": round(worst_time[0], 3), "worst_time_case": worst_time[1],
        "worst_peak_mib": round(worst_peak[0] / MIB, 1), "worst_peak_case": worst_peak[1],
        "files_over_10s": sum(f["wall_s"] > SLOW_S for f in failures),
        "run_seconds": round(elapsed, 1),
        "failures": failures,
        "isolation_overhead": cost,
        "before": before,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
