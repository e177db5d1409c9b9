"""benchmarks/proofing_quality.py's undefined_term injection: the document's own name is not drawn (a careful
associate does not flag "this Agreement" left undefined), and the second protocol's draw stays reproducible."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "proofing_quality.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("proofing_quality", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("proofing_quality", module)
    spec.loader.exec_module(module)
    return module


TEXT = ('This Supply Agreement (the "Agreement") is made by Acme Widgets, Inc. ("Supplier") and Northwind LLC '
        '("Buyer"), an agreement for the sale of goods in a territory.\n'
        + "The parties wish to trade goods on fair terms.\n" * 100  # past the opening, where parties are named
        + '1. Definitions. "Territory" means Canada.\n'
        "2. Supply. Supplier sells under this Agreement in the Territory. The Agreement binds the Buyer, and the "
        "Territory is exclusive under the Agreement.\n")


def _drawn(**options) -> set[str]:
    pq = _benchmark()
    made = (pq._inject_undefined(TEXT, random.Random(seed), **options) for seed in range(40))
    return {m[1]["term"] for m in made if m is not None}


def test_the_documents_own_name_is_not_drawn() -> None:
    pq = _benchmark()
    assert pq.own_name(TEXT, "Agreement") and not pq.own_name(TEXT, "Territory")
    assert _drawn() == {"Territory"}
    assert _drawn(own=True) == {"Agreement", "Territory"}  # the second protocol drew both
