"""Print what segmentation and the embedded analyzer make of some text files, as one JSON object, with
whichever `contracts` and `serving` packages are first on sys.path.

    python benchmarks/segment_outputs.py FILE...

benchmarks/segment_speed.py runs this with an older checkout first on the path (`--compare-ref`) and
with this one, and requires the two to be equal: per file the sentence spans, the clauses (offsets,
numbers, headings, levels) and the findings (everything but the seconds the analysis took). It only
uses what every version has: `split_sentences`, `segment_clauses` and `BaselineAnalyzer.analyze`."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def outputs(paths: list[Path]) -> dict[str, dict]:
    from analyzers.baseline.analyzer import from_settings
    from contracts.documents import Document
    from contracts.segment import segment_clauses, split_sentences
    from lexrisk.settings import Settings

    analyzer = from_settings(Settings(_env_file=None))
    found = {}
    for path in paths:
        text = path.read_text("utf-8", errors="replace")
        result = analyzer.analyze(Document.from_text(path.name, text)).model_dump(mode="json")
        del result["stats"]["seconds"]
        found[path.name] = {
            "sentences": [[s.start, s.end] for s in split_sentences(text)],
            "clauses": [[c.start, c.end, c.number, c.heading, c.level] for c in segment_clauses(text)],
            "analysis": result,
        }
    return found


if __name__ == "__main__":
    print(json.dumps(outputs([Path(p) for p in sys.argv[1:]])))
