"""Contract/template pairs with known truth, for measuring template comparison.

A template (an example template or a CUAD contract) is cut into the clauses comparison uses; a
counterparty draft is made from it by recorded edits — delete, insert a clause from another contract,
reword, move, renumber, split, merge, change amounts/durations/dates/percentages, change a party,
paraphrase (the harder set: most words swapped for synonyms and the sentences reordered, so the
clause keeps its meaning but shares few words with the original) — and the truth says, per template
clause, where its text went and whether it changed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from contracts.compare.align import LEADING_NUMBER, Unit, units_of
from contracts.documents import Document
from contracts.segment import segment_clauses

EDITS = ("delete", "insert", "reword", "move", "renumber", "split", "merge", "number", "party", "paraphrase")
SYNONYMS = {"shall": "will", "agreement": "contract", "party": "side", "parties": "sides", "written": "signed",
            "notice": "notification", "days": "business days", "any": "each", "provide": "supply",
            "reasonable": "commercially reasonable", "all": "every", "terminate": "end", "breach": "default",
            "including": "including without limitation", "may": "can", "must": "shall", "prior": "advance"}
# a drafter's rewording: every hit is replaced (where `reword` replaces a third of SYNONYMS' hits)
PARAPHRASES = {**SYNONYMS, "company": "business", "customer": "client",
               "supplier": "vendor", "services": "work", "service": "work", "obligations": "duties",
               "obligation": "duty", "termination": "ending", "terminated": "ended", "confidential": "secret",
               "information": "material", "disclose": "reveal", "disclosed": "revealed", "receive": "get",
               "received": "obtained", "payment": "remittance", "pay": "remit", "fees": "charges",
               "fee": "charge", "liability": "responsibility", "liable": "responsible", "damages": "losses",
               "indemnify": "hold harmless", "warrants": "promises", "warranty": "guarantee",
               "represents": "states", "rights": "entitlements", "right": "entitlement", "period": "term",
               "effective": "in force", "date": "day", "applicable": "relevant", "law": "legislation",
               "laws": "legislation", "herein": "in this contract", "hereunder": "under this contract",
               "pursuant": "according", "accordance": "line", "upon": "on", "purpose": "aim",
               "purposes": "aims", "term": "duration", "product": "good", "products": "goods",
               "use": "employ", "used": "employed", "third": "outside", "person": "individual",
               "consent": "approval", "required": "needed", "reasonable": "fair", "without": "absent",
               "such": "that", "other": "another", "this": "the present", "by": "through",
               "each": "every", "in": "within", "with": "alongside"}
_FACT_NUMBER = re.compile(r"[$€£]\s?\d[\d,]*|\b\d+(?=\)?\s?(?:%|percent|days|months|years|business days))", re.I)
_NAME = re.compile(r"\b[A-Z][a-zA-Z&]+(?:\s+[A-Z][a-zA-Z&.]+)*,?\s+(?:Inc|LLC|Ltd|Corp|Corporation|Limited)\b\.?")


@dataclass
class Piece:
    text: str
    origin: list[int]  # template clause indices whose text this piece carries
    kinds: set[str] = field(default_factory=set)


@dataclass
class Pair:
    name: str
    template: Document
    contract: Document
    template_units: list[Unit]
    # per template clause: contract spans holding its text ([] = deleted), and how it was edited
    destinations: dict[int, list[tuple[int, int]]]
    edits: dict[int, set[str]]
    extra_spans: list[tuple[int, int]]  # inserted clauses
    log: list[str]


def _starts_clause(text: str) -> bool:
    return segment_clauses(text)[0].level > 0


def make_pair(name: str, template: Document, donors: list[Document], rng: random.Random, *,
              counts: dict[str, int] | None = None) -> Pair | None:
    """A draft of `template` with the given number of edits of each kind (default one or two each)."""
    units = units_of(template)
    if len(units) < 12:
        return None
    counts = counts or {"delete": 2, "insert": 2, "reword": 3, "move": 1, "renumber": 2, "split": 1, "merge": 1,
                        "number": 2, "party": 1}
    pieces = [Piece(u.text, [i]) for i, u in enumerate(units)]
    log: list[str] = []
    movable = [k for k, p in enumerate(pieces) if k > 0 and _starts_clause(p.text)]
    touched: set[int] = set()

    def pick(candidates: list[int]) -> int | None:
        free = [k for k in candidates if k not in touched and 0 <= k < len(pieces)]
        return rng.choice(free) if free else None

    # edits that change a clause in place (indices stay valid)
    for _ in range(counts.get("reword", 0)):
        k = pick([k for k, p in enumerate(pieces) if len(p.text.split()) >= 8 and _rewordable(p.text)])
        if k is not None:
            pieces[k].text, touched = _reword(pieces[k].text, rng), touched | {k}
            pieces[k].kinds.add("reword")
            log.append(f"reword template clause {pieces[k].origin}")
    for _ in range(counts.get("paraphrase", 0)):
        k = pick([k for k, p in enumerate(pieces) if len(p.text.split()) >= 12])
        if k is not None:
            pieces[k].text, touched = _paraphrase(pieces[k].text, rng), touched | {k}
            pieces[k].kinds.add("paraphrase")
            log.append(f"paraphrase template clause {pieces[k].origin}")
    for _ in range(counts.get("number", 0)):
        k = pick([k for k, p in enumerate(pieces) if _FACT_NUMBER.search(p.text)])
        if k is not None:
            pieces[k].text, touched = _change_number(pieces[k].text, rng), touched | {k}
            pieces[k].kinds.add("number")
            log.append(f"change a number in template clause {pieces[k].origin}")
    for _ in range(counts.get("party", 0)):
        k = pick([k for k, p in enumerate(pieces) if _NAME.search(p.text)])
        if k is not None:
            pieces[k].text = _NAME.sub("Meridian Holdings Inc.", pieces[k].text, count=1)
            touched.add(k)
            pieces[k].kinds.add("party")
            log.append(f"change the party in template clause {pieces[k].origin}")
    for _ in range(counts.get("renumber", 0)):
        k = pick([k for k in movable if re.match(r"\s*(?:Section\s+|ARTICLE\s+|Article\s+)?\(?\d", pieces[k].text)])
        if k is not None:
            pieces[k].text = _renumber(pieces[k].text)
            touched.add(k)
            pieces[k].kinds.add("renumber")
            log.append(f"renumber template clause {pieces[k].origin}")
    # edits that change the sequence
    for _ in range(counts.get("split", 0)):
        k = pick([k for k in movable if len(re.findall(r"\.\s+[A-Z]", pieces[k].text)) >= 1 and len(pieces[k].text) > 200])
        if k is not None:
            cuts = [m.start() + 1 for m in re.finditer(r"\.\s+(?=[A-Z])", pieces[k].text)]
            cut = cuts[len(cuts) // 2]
            head, tail = pieces[k].text[:cut], pieces[k].text[cut:].strip()
            first = pieces[k]
            first.text = head
            first.kinds.add("split")
            pieces.insert(k + 1, Piece(f"Section {90 + k}. {tail}", list(first.origin), {"split"}))
            touched |= {k, k + 1}
            log.append(f"split template clause {first.origin}")
    for _ in range(counts.get("merge", 0)):
        k = pick([k for k in range(len(pieces) - 1) if k + 1 in movable and k + 1 not in touched and k > 0])
        if k is not None:
            second = pieces.pop(k + 1)
            pieces[k].text = pieces[k].text.rstrip() + " " + LEADING_NUMBER.sub("", second.text, count=1)
            pieces[k].origin += second.origin
            pieces[k].kinds.add("merge")
            touched.add(k)
            log.append(f"merge template clauses {pieces[k].origin}")
    for _ in range(counts.get("delete", 0)):
        k = pick([k for k, p in enumerate(pieces) if k > 0 and _starts_clause(p.text) and len(p.origin) == 1
                  and sum(q.origin == p.origin for q in pieces) == 1 and k + 1 < len(pieces)
                  and _starts_clause(pieces[k + 1].text)])
        if k is not None:
            log.append(f"delete template clause {pieces[k].origin}")
            pieces.pop(k)
    for _ in range(counts.get("move", 0)):
        k = pick([k for k, p in enumerate(pieces) if k > 0 and _starts_clause(p.text) and k + 1 < len(pieces)
                  and _starts_clause(pieces[k + 1].text) and len(p.origin) == 1
                  and sum(q.origin == p.origin for q in pieces) == 1])
        if k is not None:
            piece = pieces.pop(k)
            target = rng.choice([t for t in range(1, len(pieces) + 1) if abs(t - k) > 2 and _between(pieces, t)]
                                or [len(pieces)])
            if target < len(pieces) and not _starts_clause(pieces[target].text):
                target = len(pieces)
            pieces.insert(target, piece)
            piece.kinds.add("move")
            touched.add(target)
            log.append(f"move template clause {piece.origin} to position {target}")
    for _ in range(counts.get("insert", 0)):
        donor_units = [u for d in donors for u in units_of(d)[1:] if _starts_clause(u.text) and len(u.text) > 80]
        if not donor_units:
            break
        clause = rng.choice(donor_units)
        target = rng.choice([t for t in range(1, len(pieces) + 1) if _between(pieces, t)])
        if target < len(pieces) and not _starts_clause(pieces[target].text):
            target = len(pieces)
        pieces.insert(target, Piece(clause.text, [], {"insert"}))
        log.append(f"insert a clause from another contract at position {target}")

    text_parts, spans, pos = [], [], 0
    for piece in pieces:
        spans.append((pos, pos + len(piece.text)))
        text_parts.append(piece.text)
        pos += len(piece.text) + 2
    contract = Document.from_text(f"{name}-draft", "\n\n".join(text_parts))
    destinations: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(units))}
    edits: dict[int, set[str]] = {i: set() for i in range(len(units))}
    extra: list[tuple[int, int]] = []
    for piece, span in zip(pieces, spans, strict=True):
        if not piece.origin:
            extra.append(span)
        for i in piece.origin:
            destinations[i].append(span)
            edits[i] |= piece.kinds
    return Pair(name, template, contract, units, destinations, edits, extra, log)


def _between(pieces: list[Piece], t: int) -> bool:
    """Whether inserting at `t` keeps the halves of a split clause together (a split is two adjacent
    clauses; one half moved away is a different edit)."""
    return t >= len(pieces) or t == 0 or pieces[t - 1].origin != pieces[t].origin


def _rewordable(text: str) -> bool:
    return any(w.lower() in SYNONYMS for w in re.findall(r"[A-Za-z]+", text))


def _reword(text: str, rng: random.Random) -> str:
    words = list(re.finditer(r"\b[A-Za-z]+\b", text))
    hits = [m for m in words[1:] if m.group(0).lower() in SYNONYMS]
    chosen = rng.sample(hits, k=min(len(hits), max(1, len(hits) // 3)))
    out = text
    for m in sorted(chosen, key=lambda m: -m.start()):
        out = out[:m.start()] + SYNONYMS[m.group(0).lower()] + out[m.end():]
    return out


def _paraphrase(text: str, rng: random.Random) -> str:
    """Every word PARAPHRASES knows swapped (the clause's number and first word kept, so it is still a
    clause), then the sentences after the first shuffled."""
    head = LEADING_NUMBER.match(text)
    lead = head.group(0) if head else ""
    body = text[len(lead):]
    words = list(re.finditer(r"\b[A-Za-z]+\b", body))
    for m in sorted(words[1:], key=lambda m: -m.start()):
        new = PARAPHRASES.get(m.group(0).lower())
        if new is not None:
            body = body[:m.start()] + (new.capitalize() if m.group(0)[0].isupper() else new) + body[m.end():]
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", body)
    rest = sentences[1:]
    rng.shuffle(rest)
    return lead + " ".join([sentences[0], *rest])


def _change_number(text: str, rng: random.Random) -> str:
    m = rng.choice(list(_FACT_NUMBER.finditer(text)))
    digits = re.search(r"\d[\d,]*", m.group(0))
    assert digits is not None  # the pattern always holds digits
    value = int(digits.group(0).replace(",", "") or 0)
    new = str(value * 2 if value else 5)
    return text[:m.start() + digits.start()] + new + text[m.start() + digits.end():]


def _renumber(text: str) -> str:
    m = re.search(r"\d+", text)
    assert m is not None
    return text[:m.start()] + str(int(m.group(0)) + 10) + text[m.end():]
