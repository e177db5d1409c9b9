"""Compare PDF text extractors on CUAD's PDFs: speed (pages/s) and word similarity to CUAD's own text.

    python benchmarks/pdf_extractors.py [--cuad DIR] [--out eval/results/pdf_extractors.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from contracts.pdf_text import EXTRACTORS
from contracts.textnorm import normalize_text
from eval.extraction import cuad_pdf_pairs, word_similarity
from lexrisk.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cuad", type=Path, default=get_settings().cuad_dir)
    parser.add_argument("--out", type=Path, default=Path("eval/results/pdf_extractors.json"))
    args = parser.parse_args()
    pairs = cuad_pdf_pairs(args.cuad)
    console = Console()
    results = {}
    for name, extract in EXTRACTORS.items():
        pages = 0
        seconds = 0.0
        sims = []
        for pair in track(pairs, description=f"{name:>10}", console=console, transient=True):
            data = pair.pdf.read_bytes()
            started = time.perf_counter()
            texts = extract(data, pair.pdf.name)
            seconds += time.perf_counter() - started
            pages += len(texts)
            sims.append(word_similarity(normalize_text("\n\n".join(texts)), pair.txt.read_text("utf-8")))
        results[name] = {
            "pdfs": len(pairs), "pages": pages, "seconds": round(seconds, 3),
            "pages_per_second": round(pages / seconds, 2),
            "similarity_mean": round(statistics.mean(sims), 4),
            "similarity_median": round(statistics.median(sims), 4),
            "similarity_min": round(min(sims), 4),
            "pdfs_below_0.9": sum(s < 0.9 for s in sims),
        }
    table = Table(title=f"PDF extractors on {len(pairs)} CUAD PDFs (word similarity to CUAD's text)")
    for column in ("extractor", "pages", "pages/s", "mean sim", "median sim", "min sim", "PDFs < 0.9"):
        table.add_column(column, justify="right")
    for name, r in results.items():
        table.add_row(name, str(r["pages"]), f'{r["pages_per_second"]:.1f}', f'{r["similarity_mean"]:.3f}',
                      f'{r["similarity_median"]:.3f}', f'{r["similarity_min"]:.3f}', str(r["pdfs_below_0.9"]))
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.processor() or platform.machine(),
        "cpu_threads": 1, "results": results}, indent=2) + "\n")
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
