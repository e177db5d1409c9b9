"""A tiny CUAD-layout gold folder and a scripted analyzer (a plugin, loaded by name like any other), so a
whole `lexrisk eval run` has answers known in advance."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from analyzers.base import Analyzer, Proposal
from contracts.documents import Document

ASSIGN = "This Agreement may not be assigned by either party without the prior written consent of the other."
CAP = "In no event shall liability exceed the fees paid in the twelve months before the claim."
LAW = "This Agreement is governed by the laws of the State of Delaware."
COMPETE = "Licensee shall not compete with Licensor anywhere in the Territory during the Term."
CONVENIENCE = "Either party may terminate this Agreement for convenience on thirty days written notice."
AUDIT_WRONG = "The parties met in Boston to sign this document on a sunny afternoon in spring."

CONTRACTS = {
    "alpha.txt": (f"{ASSIGN} {CAP} {LAW}", [("Anti-Assignment", ASSIGN), ("Cap on Liability", CAP),
                                             ("Governing Law", LAW)]),
    "beta.txt": (f"{COMPETE} {AUDIT_WRONG} {CONVENIENCE}", [("Non-Compete", COMPETE),
                                                            ("Termination For Convenience", CONVENIENCE)]),
    "gamma.txt": ("This contract makes the scripted analyzer fail.", []),
}

# what the analyzer proposes per contract: (category, quote, score, explanation); a missing entry raises
PLANS: dict[str, list[tuple[str, str, float, str]]] = {
    "alpha.txt": [("Anti-Assignment", ASSIGN, 0.9, "Consent is needed to assign; negotiate a carve-out for affiliates."),
                  ("Cap on Liability", CAP, 0.6, "Liability is capped at twelve months of fees; check it covers data loss.")],
    "beta.txt": [("Non-Compete", COMPETE, 0.8, "A territory-wide non-compete for the term; narrow its scope."),
                 ("Audit Rights", AUDIT_WRONG, 0.7, "Audit rights.")],
}


def write_cuad(folder: Path, names: dict[str, str] | None = None) -> Path:
    """The contracts as a CUAD folder; `names` renames them (to land in CUAD's dev split, say)."""
    (folder / "full_contract_txt").mkdir(parents=True)
    with (folder / "cuad_spans.jsonl").open("w", encoding="utf-8") as spans:
        for original, (text, labels) in CONTRACTS.items():
            name = (names or {}).get(original, original)
            (folder / "full_contract_txt" / name).write_text(text, encoding="utf-8")
            for category, quote in labels:
                start = text.index(quote)
                spans.write(json.dumps({"pdf_filename": name.replace(".txt", ".pdf"), "contract_txt": name,
                                        "category": category, "span": quote, "parts": [quote],
                                        "offsets": [[start, start + len(quote)]]}) + "\n")
    return folder


class ScriptedAnalyzer(Analyzer):
    name = "scripted"
    version = "1"

    def propose(self, document: Document) -> Iterable[Proposal]:
        if document.name not in PLANS:
            raise RuntimeError(f"scripted failure on {document.name}")
        for category, quote, score, explanation in PLANS[document.name]:
            yield Proposal(category=category, quote=quote, score=score, explanation=explanation)


def make(settings, playbook):
    return ScriptedAnalyzer(playbook)


PLUGIN = '--set=analyzer_plugins={"scripted": "tests.eval.fakes:make"}'
