"""Training-set builder: gold labels -> chat-format JSONL for supervised fine-tuning.

Each example is (system prompt, user message holding one clause-aligned chunk, assistant answer listing
the chunk's labels), built with `contracts.prompt` and `contracts.chunking`, the same code the LLM
analyzers run at inference. Invariants, checked while building rather than hoped for: every quote in
an answer is verbatim in its user message; every example fits `max_length` tokens of the given
tokenizer, chat template included; no contract is in two splits; only labels of tenants that opted in
to sharing them (`Tenant.share_labels`) are read, and the card names those tenants; no contract of CUAD's
held-out dev split is in it unless asked for, and the card counts them."""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from annotation.cuad import SOURCE as CUAD_SOURCE
from annotation.dataset_terms import gold_terms
from annotation.store.models import Annotation, Contract, DatasetVersion
from annotation.store.repository import row_id, sharing_tenants, tenant_named
from contracts.chunking import Chunk, TokenCounter, chunk_around, chunk_text
from contracts.cuad_split import is_dev
from contracts.documents import Document
from contracts.key_terms import TERM_CATEGORIES
from contracts.portable_paths import portable_text
from contracts.prompt import messages, render_answer, system_prompt
from contracts.settings import PromptStyle
from contracts.taxonomy import risk_categories
from contracts.terms_prompt import (
    TermsAnswer,
    render_terms_answer,
    terms_excerpts,
    terms_messages,
    terms_system_prompt,
)
from contracts.training_set import (
    README_FILE,
    SPLITS,
    BuildParams,
    DatasetCard,
    SplitFile,
    content_hash,
    meta_file,
    split_file,
    tokenizer_sha256,
    write_card,
)


class BuildError(ValueError):
    """The builder cannot make a dataset from these settings (the message says which one)."""


@dataclass(frozen=True)
class BuildConfig:
    tokenizer: str
    max_length: int
    out: Path
    negatives: float = 0.3  # share of label-free chunks kept
    seed: int = 0
    dev_fraction: float = 0.1
    test_fraction: float = 0.1
    overlap_tokens: int | None = None
    answer_reserve: float = 0.35  # share of the chunk budget left for the answer
    risk_only: bool = False  # only the clause (risk) categories: a short CPU run learns what is scored
    prompt: PromptStyle = "full"  # contracts.prompt.system_prompt's style
    terms: bool = False  # one key-terms example per contract (annotation.dataset_terms)


@dataclass(frozen=True)
class GoldLabel:
    id: int
    category: str
    severity: str
    start: int
    end: int
    explanation: str
    origin: str = "manual"


@dataclass
class Example:
    contract: str
    split: str
    chunk_start: int
    chunk_end: int
    messages: list[dict[str, str]]
    labels: list[GoldLabel]
    tokens: int
    task: str = "findings"  # or "terms": the LLM path's key-terms request


@dataclass
class Tally:
    examples: Counter[str] = field(default_factory=Counter)
    positives: Counter[str] = field(default_factory=Counter)
    negatives_seen: int = 0
    labels_placed: int = 0
    labels_truncated: list[int] = field(default_factory=list)
    answer_items_dropped: int = 0
    terms_examples: Counter[str] = field(default_factory=Counter)
    terms_filled: Counter[str] = field(default_factory=Counter)  # examples whose answer states each field
    terms_labels_outside: int = 0  # term labels the excerpts do not hold (their field written as null)


def load_tokenizer(path: str | Path):
    """A tokenizer from a local folder (`from_pretrained`, never a download)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise BuildError(f"{path}: cannot load a tokenizer from it ({str(exc).splitlines()[0]})") from None


def token_counter(tokenizer) -> TokenCounter:
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False))


def chat_length(tokenizer, chat: list[dict[str, str]]) -> int:
    """Tokens of the whole conversation as the trainer will see it (the chat template's own tokens too)."""
    if getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template(chat, tokenize=True)
        if hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return len(ids)
    count = token_counter(tokenizer)
    return sum(count(m["role"]) + count(m["content"]) + 2 for m in chat)


def split_of(sha256: str, seed: int, dev: float, test: float) -> str:
    """A contract's split from a hash of its sha256 and the seed: stable across runs and machines, and
    a contract stays in its split as others are added."""
    bucket = int(hashlib.sha256(f"{seed}:{sha256}".encode()).hexdigest()[:12], 16) / 16**12
    return "test" if bucket < test else "dev" if bucket < test + dev else "train"


def _keep_negative(sha256: str, start: int, seed: int, share: float) -> bool:
    return int(hashlib.sha256(f"neg:{seed}:{sha256}:{start}".encode()).hexdigest()[:12], 16) / 16**12 < share


def training_tenants(session: Session, requested: list[str] | None = None) -> list[str]:
    """The tenants whose labels a training set may hold: those asked for (each must have opted in), or
    every tenant that has."""
    sharing = sharing_tenants(session)
    if not requested:
        if not sharing:
            raise BuildError("no tenant shares its labels; opt one in with `lexrisk tenants set NAME --share-labels on`")
        return sharing
    for name in requested:
        if tenant_named(session, name) is None:
            raise BuildError(f"--tenant {name}: no such tenant in the store")
        if name not in sharing:
            raise BuildError(f"--tenant {name}: the tenant has not opted in to sharing its labels "
                             f"(`lexrisk tenants set {name} --share-labels on`)")
    return sorted(set(requested))


def gold_labels(session: Session, tenants: list[str]) -> dict[int, list[GoldLabel]]:
    """Accepted annotations of `tenants` per contract, one per (category, span)."""
    out: dict[int, dict[tuple[str, int, int], GoldLabel]] = defaultdict(dict)
    rows = session.exec(select(Annotation).where(Annotation.status == "accepted", col(Annotation.tenant).in_(tenants))
                        .order_by(col(Annotation.id)))
    for a in rows:
        out[a.contract_id].setdefault((a.category, a.start, a.end), GoldLabel(
            row_id(a), a.category, a.severity, a.start, a.end, (a.explanation or "").strip() or f"{a.category} clause.",
            a.origin))
    return {cid: sorted(labels.values(), key=lambda g: (g.start, g.end, g.category)) for cid, labels in out.items()}


def labels_fingerprint(session: Session, tenants: list[str]) -> str:
    """sha256 over `tenants` and every accepted annotation of theirs (id, contract, category, severity, span,
    explanation, origin): what a set built now would read. The card records it, so `train prepare` rebuilds
    and `lexrisk train` refuses a set whose store has since gained, changed or lost a gold label."""
    digest = hashlib.sha256(json.dumps(sorted(tenants)).encode())
    rows = session.exec(select(Annotation).where(Annotation.status == "accepted", col(Annotation.tenant).in_(tenants))
                        .order_by(col(Annotation.id)))
    for a in rows:
        digest.update(json.dumps([a.id, a.tenant, a.contract_id, a.category, a.severity, a.start, a.end,
                                  a.explanation, a.origin]).encode() + b"\n")
    return digest.hexdigest()


def cuad_dev_contracts(session: Session, contract_ids: set[int]) -> list[str]:
    """Names of the contracts among `contract_ids` that `annotate import-cuad` brought from CUAD's held-out dev
    split: they hold labels of its source (`source` cuad) and their name, the CUAD text file's, is on the dev side
    of `contracts.cuad_split`, the split `lexrisk eval run --split dev` scores on. Any label on such a contract
    puts its text in the set, a lawyer's as much as CUAD's."""
    rows = session.exec(select(Contract.id, Contract.name).join(Annotation, col(Annotation.contract_id) == Contract.id)
                        .where(Annotation.source == CUAD_SOURCE).distinct())
    return sorted(name for cid, name in rows if cid in contract_ids and is_dev(name))


def build_dataset(session: Session, config: BuildConfig, *, tenants: list[str] | None = None,
                  allow_cuad_dev: bool = False, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write train/dev/test JSONL and the dataset card into `config.out`, record the dataset version in
    the store, and return the card. `tenants`: whose labels (default: every tenant that shares them). A set
    that would hold contracts of CUAD's held-out dev split (a store filled by `import-cuad` without `--split
    train`) is refused unless `allow_cuad_dev`: a model trained on it would be scored on contracts it saw."""
    if config.max_length < 256:
        raise BuildError(f"--max-length {config.max_length} is too small; the system prompt alone needs more")
    if not 0 <= config.negatives <= 1:
        raise BuildError(f"--negatives {config.negatives} must be between 0 and 1")
    if min(config.dev_fraction, config.test_fraction) < 0 or not config.dev_fraction + config.test_fraction < 1:
        raise BuildError(f"--dev {config.dev_fraction} and --test {config.test_fraction} must each be at least 0 and "
                         "together less than 1, or no contract is left for training")
    tokenizer = load_tokenizer(config.tokenizer)
    count = token_counter(tokenizer)
    tenants = training_tenants(session, tenants)
    # before the labels are read: a label added in between makes the set look stale (rebuilt), never current
    fingerprint = labels_fingerprint(session, tenants)
    labels_by_contract = gold_labels(session, tenants)
    term_labels = {cid: kept for cid, labels in labels_by_contract.items()
                   if (kept := [g for g in labels if g.category in TERM_CATEGORIES.values()])} if config.terms else {}
    if config.risk_only:
        risk = set(risk_categories())
        labels_by_contract = {cid: kept for cid, labels in labels_by_contract.items()
                              if (kept := [g for g in labels if g.category in risk])}
    if not labels_by_contract:
        raise BuildError(f"the store holds no accepted (gold) labels of {', '.join(tenants)}; "
                         "import or adjudicate some first")
    probe = messages(Chunk(0, (), ""), render_answer([]), document_name="x" * 40, total_chunks=99, style=config.prompt)
    overhead = chat_length(tokenizer, probe)
    room = config.max_length - overhead
    if room < 64:
        raise BuildError(f"--max-length {config.max_length} leaves {room} tokens after the system prompt "
                         f"({overhead} tokens); use at least {overhead + 256}")
    terms_overhead = _terms_overhead(tokenizer, config) if config.terms else 0
    contract_ids = sorted(set(labels_by_contract) | set(term_labels))
    held_out = cuad_dev_contracts(session, set(contract_ids))
    if held_out and not allow_cuad_dev:
        raise BuildError(f"{len(held_out)} of the {len(contract_ids)} contracts are CUAD's held-out dev contracts "
                         f"(e.g. {held_out[0]}), imported by `annotate import-cuad` without `--split train`; a model "
                         "trained on them cannot be scored on CUAD's dev split. Build from a store filled with "
                         "`lexrisk annotate import-cuad DIR --split train`, or pass --allow-cuad-dev to "
                         "`lexrisk annotate build-dataset` to build it anyway")
    tally = Tally()
    examples: list[Example] = []
    splits: dict[str, str] = {}
    for done, cid in enumerate(contract_ids, start=1):
        contract = session.get(Contract, cid)
        assert contract is not None
        split = split_of(contract.sha256, config.seed, config.dev_fraction, config.test_fraction)
        splits[contract.sha256] = split
        if cid in labels_by_contract:
            examples += _contract_examples(contract, labels_by_contract[cid], split, tokenizer, count, room, config,
                                           tally)
        if config.terms and contract.text.strip():
            examples.append(_terms_example(contract, term_labels.get(cid, []), split, tokenizer, count,
                                           config.max_length - terms_overhead, config, tally))
        if progress:
            progress(done, len(contract_ids))
    if not tally.labels_placed and not tally.terms_examples:
        raise BuildError(f"none of the {len(tally.labels_truncated)} gold labels fits an example of --max-length "
                         f"{config.max_length} (the prompt takes {overhead} tokens; each label's span or answer "
                         "needs more than is left), so the set would teach only empty answers; raise --max-length "
                         "or use --prompt brief")
    return _write(session, examples, splits, tally, config, overhead, tenants, fingerprint, len(held_out))


def _contract_examples(contract: Contract, labels: list[GoldLabel], split: str, tokenizer, count: TokenCounter,
                       room: int, config: BuildConfig, tally: Tally) -> list[Example]:
    text = contract.text
    budget = int(room * (1 - config.answer_reserve))
    for _attempt in range(6):
        chunks = chunk_text(text, count, budget, overlap_tokens=config.overlap_tokens)
        placed = {g.id for g in labels if any(c.contains(g.start, g.end) for c in chunks)}
        for g in labels:  # a label straddling chunk edges gets a chunk of its own
            if g.id not in placed:
                extra = chunk_around(text, g.start, g.end, count, budget, index=len(chunks))
                if extra is not None:
                    chunks.append(extra)
                    placed |= {h.id for h in labels if extra.contains(h.start, h.end)}
        built = [_example(contract, chunk, len(chunks), labels, split, tokenizer, config.prompt) for chunk in chunks]
        if all(e.tokens <= config.max_length for e in built) or budget < 128:
            break
        budget = int(budget * 0.8)  # answers larger than the reserve: smaller chunks, fewer labels each
    kept = []
    for example in built:
        while example.tokens > config.max_length and example.labels:
            example.labels.pop()  # last resort, counted in the card
            tally.answer_items_dropped += 1
            example = _example(contract, _chunk_of(example, chunks), len(chunks), example.labels, split, tokenizer,
                               config.prompt, restrict=False)
        if example.tokens > config.max_length:
            raise BuildError(f"{contract.name}: a chunk does not fit --max-length {config.max_length}")
        if example.labels:
            tally.positives[split] += 1
        else:
            tally.negatives_seen += 1
            if not _keep_negative(contract.sha256, example.chunk_start, config.seed, config.negatives):
                continue
        tally.examples[split] += 1
        kept.append(example)
    in_any = {g.id for e in kept for g in e.labels}
    tally.labels_placed += len(in_any)
    tally.labels_truncated += [g.id for g in labels if g.id not in in_any]
    return kept


def _terms_overhead(tokenizer, config: BuildConfig) -> int:
    """Tokens of the key-terms request without excerpts, its answer all nulls; refuses a max length that
    leaves no room for excerpts."""
    empty = render_terms_answer(TermsAnswer.model_validate({}))
    overhead = chat_length(tokenizer, terms_messages([], empty, document_name="x" * 40))
    if config.max_length - overhead < 64:
        raise BuildError(f"--max-length {config.max_length} leaves {config.max_length - overhead} tokens after the "
                         f"key-terms prompt ({overhead} tokens); use at least {overhead + 256} with --terms")
    return overhead


def _terms_example(contract: Contract, labels: list[GoldLabel], split: str, tokenizer, count: TokenCounter,
                   room: int, config: BuildConfig, tally: Tally) -> Example:
    """The contract's key-terms example: the excerpts the LLM path reads (contracts.terms_prompt.terms_excerpts)
    and the answer its gold labels give; excerpts shrink until the example fits `max_length`."""
    document = Document.from_text(contract.name, contract.text)
    budget = int(room * (1 - config.answer_reserve))
    for _attempt in range(6):
        excerpts = terms_excerpts(document, count, budget)
        target = gold_terms(contract.text, labels, excerpts)
        chat = terms_messages(excerpts, render_terms_answer(target.answer), document_name=contract.name)
        tokens = chat_length(tokenizer, chat)
        if tokens <= config.max_length:
            break
        budget = int(budget * 0.8)
    else:
        raise BuildError(f"{contract.name}: its key-terms example does not fit --max-length {config.max_length}")
    answer = target.answer.model_dump()
    quotes = [p["quote"] for p in answer["parties"]] + [v["quote"] for k, v in answer.items() if k != "parties" and v]
    for quote in quotes:
        if quote not in chat[1]["content"]:
            raise BuildError(f"{contract.name}: key-term quote not verbatim in its excerpts: {quote[:60]!r}")
    tally.terms_examples[split] += 1
    tally.examples[split] += 1
    tally.terms_filled.update(k for k, v in answer.items() if v)
    tally.terms_labels_outside += target.outside
    return Example(contract.sha256, split, excerpts[0].start, excerpts[-1].end, chat, target.used, tokens, "terms")


def _chunk_of(example: Example, chunks: list[Chunk]) -> Chunk:
    return next(c for c in chunks if (c.start, c.end) == (example.chunk_start, example.chunk_end))


def _example(contract: Contract, chunk: Chunk, total: int, labels: list[GoldLabel], split: str, tokenizer,
             style: PromptStyle, restrict: bool = True) -> Example:
    mine = [g for g in labels if chunk.contains(g.start, g.end)] if restrict else list(labels)
    items, seen = [], set()
    for g in mine:
        for quote in chunk.pieces_of(g.start, g.end, contract.text):
            if (g.category, quote) in seen:
                continue
            seen.add((g.category, quote))
            items.append({"category": g.category, "severity": g.severity, "quote": quote, "explanation": g.explanation})
    chat = messages(chunk, render_answer(items), document_name=contract.name, total_chunks=total, style=style)
    for item in items:
        if item["quote"] not in chat[1]["content"]:
            raise BuildError(f"{contract.name}: quote not verbatim in its chunk: {item['quote'][:60]!r}")
    return Example(contract.sha256, split, chunk.start, chunk.end, chat, mine, chat_length(tokenizer, chat))


def _percentiles(values: list[int]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def pct(p: float) -> int:
        return ordered[min(int(p * len(ordered)), len(ordered) - 1)]

    return {"min": ordered[0], "p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "max": ordered[-1],
            "mean": round(statistics.fmean(ordered), 1)}


def _write(session: Session, examples: list[Example], splits: dict[str, str], tally: Tally, config: BuildConfig,
           overhead: int, tenants: list[str], fingerprint: str, cuad_dev: int) -> dict[str, Any]:
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    bodies: dict[str, bytes] = {}
    files = {}
    for split in SPLITS:
        rows = sorted((e for e in examples if e.split == split), key=lambda e: (e.contract, e.chunk_start, e.chunk_end))
        body = "".join(json.dumps({"messages": e.messages}, ensure_ascii=False) + "\n" for e in rows)
        meta = "".join(json.dumps({"contract_sha256": e.contract, "task": e.task, "start": e.chunk_start,
                                   "end": e.chunk_end,
                                   "tokens": e.tokens, "annotation_ids": [g.id for g in e.labels],
                                   "origins": [g.origin for g in e.labels]}) + "\n" for e in rows)
        bodies[split] = body.encode("utf-8")
        (out / split_file(split)).write_bytes(bodies[split])
        (out / meta_file(split)).write_text(meta, encoding="utf-8")
        files[split] = SplitFile(examples=len(rows), sha256=hashlib.sha256(bodies[split]).hexdigest())
    categories: dict[str, Counter[str]] = defaultdict(Counter)
    severities: dict[str, Counter[str]] = defaultdict(Counter)
    origins: dict[str, Counter[str]] = defaultdict(Counter)
    for e in examples:
        for g in e.labels:
            categories[e.split][g.category] += 1
            severities[e.split][g.severity] += 1
            origins[e.split][g.origin] += 1
    tokens = [e.tokens for e in examples]
    annotation_ids = sorted({g.id for e in examples for g in e.labels})
    params = BuildParams(**{k: portable_text(str(v)) if isinstance(v, Path) or k == "tokenizer" else v
                            for k, v in asdict(config).items()},
                         tokenizer_sha256=tokenizer_sha256(config.tokenizer), prompt_overhead_tokens=overhead,
                         system_prompt_sha256=_sha256(system_prompt(config.prompt)),
                         terms_prompt_sha256=_sha256(terms_system_prompt()) if config.terms else None)
    card = DatasetCard(
        content_hash=content_hash(bodies),
        params=params,
        tenants=tenants,
        contracts=dict(Counter(splits.values())),
        examples=dict(tally.examples), positive_examples=dict(tally.positives),
        negative_chunks_seen=tally.negatives_seen,
        negative_examples_kept=sum(tally.examples.values()) - sum(tally.positives.values())
        - sum(tally.terms_examples.values()),
        labels_placed=tally.labels_placed, labels_truncated=len(tally.labels_truncated),
        answer_items_dropped_to_fit=tally.answer_items_dropped,
        label_occurrences_per_category={s: dict(sorted(c.items())) for s, c in sorted(categories.items())},
        label_occurrences_per_severity={s: dict(sorted(c.items())) for s, c in sorted(severities.items())},
        label_occurrences_per_origin={s: dict(sorted(c.items())) for s, c in sorted(origins.items())},
        tokens={"all": _percentiles(tokens),
                **{s: _percentiles([e.tokens for e in examples if e.split == s]) for s in SPLITS}},
        files=files,
        terms_examples=dict(tally.terms_examples), terms_filled=dict(sorted(tally.terms_filled.items())),
        terms_labels_outside_excerpts=tally.terms_labels_outside,
        labels_fingerprint=fingerprint,
        cuad_dev_contracts=cuad_dev,
    )
    existing = session.exec(select(DatasetVersion).where(DatasetVersion.content_hash == card.content_hash)).first()
    if existing is None:
        existing = DatasetVersion(content_hash=card.content_hash, tenants=tenants, params=params.model_dump(mode="json"), splits=splits,
                                  annotation_ids=annotation_ids, card=card.model_dump(mode="json"))
        session.add(existing)
        session.flush()
    card.dataset_version = existing.id
    write_card(out, card)
    data = card.model_dump(mode="json")
    (out / README_FILE).write_text(_card_markdown(data), encoding="utf-8")
    return data


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _card_markdown(card: dict[str, Any]) -> str:
    lines = ["# lexrisk training set", "",
             "Chat-format JSONL (`messages`: system, user, assistant) for supervised fine-tuning, built by",
             "`lexrisk annotate build-dataset`. Derived from CUAD v1 (Hendrycks et al., 2021, The Atticus Project,",
             "CC BY 4.0) where its labels are included.", "",
             f"- content hash: `{card['content_hash']}`",
             f"- tokenizer: `{card['params']['tokenizer']}`, max length {card['params']['max_length']}",
             f"- contracts per split: {card['contracts']}", f"- examples per split: {card['examples']}",
             f"- positive examples: {card['positive_examples']}; negatives kept {card['negative_examples_kept']} "
             f"of {card['negative_chunks_seen']}",
             f"- labels placed: {card['labels_placed']}; truncated (no chunk could hold them): {card['labels_truncated']}; "
             f"answer items dropped to fit: {card['answer_items_dropped_to_fit']}",
             f"- tokens per example: {card['tokens']['all']}",
             f"- contracts of CUAD's held-out dev split (`annotate build-dataset --allow-cuad-dev`): "
             f"{card['cuad_dev_contracts']}",
             *([f"- key-terms examples (one per contract, served with LEXRISK_OPENAI_TERMS=model): "
                f"{card['terms_examples']}; fields stated: {card['terms_filled']}"]
               if card["params"]["terms"] else []),
             "", "```json", json.dumps(card, indent=2), "```", ""]
    return "\n".join(lines)
