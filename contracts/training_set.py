"""The training-set hand-off between the builder (`annotation.dataset`) and the trainer (`training.data`).

Both sides import this one module, so they cannot disagree on the split file names, on the card's file
name and fields, or on how the content hash is computed: the hash the builder records in the store and
the card is the hash the trainer checks against the bytes it trains on and writes into the adapter's
model card. A folder whose card is missing, unreadable or out of date is refused, not guessed at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.settings import PromptStyle

SPLITS = ("train", "dev", "test")
CARD_FILE = "dataset_card.json"
README_FILE = "README.md"


def split_file(split: str) -> str:
    """The chat JSONL of a split: one {"messages": [system, user, assistant]} per line."""
    return f"{split}.jsonl"


def meta_file(split: str) -> str:
    """Where each example of a split came from (contract, offsets, tokens, annotation ids), line for line."""
    return f"{split}.meta.jsonl"


class TrainingSetError(ValueError):
    """The folder is not a usable training set; the message names the file and the problem."""


class _Strict(BaseModel):
    # a field the builder writes but the schema lacks (or a misspelt one) fails loudly on both sides
    model_config = ConfigDict(extra="forbid")


class BuildParams(_Strict):
    """How the set was built: the builder's settings (annotation.dataset.BuildConfig) plus what pins its
    tokens and prompt."""

    tokenizer: str = Field(description="tokenizer folder the examples were counted with")
    max_length: int = Field(gt=0, description="no example is longer than this many tokens of `tokenizer`")
    out: str
    negatives: float = Field(ge=0, le=1, description="share of label-free chunks kept")
    seed: int
    dev_fraction: float
    test_fraction: float
    overlap_tokens: int | None
    answer_reserve: float
    risk_only: bool = Field(False, description="only the clause (risk) categories' labels: the metadata "
                            "categories (parties, dates, names) left out")
    prompt: PromptStyle = Field("full", description="the system prompt's style (contracts.prompt); the model is "
                                "served with the same (LEXRISK_PROMPT)")
    terms: bool = Field(False, description="one key-terms example per contract (contracts.terms_prompt's request, "
                        "answered from the gold labels): the adapter is served with LEXRISK_OPENAI_TERMS=model")
    tokenizer_sha256: str | None = Field(description="sha256 of its tokenizer.json, when it has one")
    prompt_overhead_tokens: int = Field(description="tokens of the system prompt and chat template alone")
    system_prompt_sha256: str
    terms_prompt_sha256: str | None = Field(None, description="sha256 of the key-terms system prompt, with `terms`")


class SplitFile(_Strict):
    examples: int = Field(ge=0)
    sha256: str


class DatasetCard(_Strict):
    """`dataset_card.json`: the builder writes it, the trainer reads and checks it."""

    content_hash: str = Field(description="content_hash() of the split files")
    dataset_version: int | None = Field(None, description="id of the DatasetVersion row in the annotation store")
    params: BuildParams
    tenants: list[str] = Field(description="the tenants whose gold labels it holds (each opted in to sharing)")
    contracts: dict[str, int] = Field(description="contracts per split")
    examples: dict[str, int] = Field(description="examples per split")
    positive_examples: dict[str, int]
    negative_chunks_seen: int
    negative_examples_kept: int
    labels_placed: int
    labels_truncated: int
    answer_items_dropped_to_fit: int
    label_occurrences_per_category: dict[str, dict[str, int]]
    label_occurrences_per_severity: dict[str, dict[str, int]]
    label_occurrences_per_origin: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="per split: labels drawn by hand (manual) or from a model's suggestion "
                                          "(suggested_accepted, suggested_edited); empty on cards built before")
    tokens: dict[str, dict[str, float]] = Field(description="token count percentiles, overall and per split")
    files: dict[str, SplitFile]
    terms_examples: dict[str, int] = Field(default_factory=dict, description="key-terms examples per split")
    terms_filled: dict[str, int] = Field(default_factory=dict, description="key-terms examples stating each field")
    terms_labels_outside_excerpts: int = Field(0, description="term labels the excerpts do not hold (written null)")
    labels_fingerprint: str | None = Field(
        None, description="sha256 of the store's gold labels it was built from (annotation.dataset."
                          "labels_fingerprint: its tenants and their accepted annotations), so `train prepare` and "
                          "`lexrisk train` can tell a set the store has since outgrown; None on cards built before")
    cuad_dev_contracts: int | None = Field(
        None, ge=0, description="contracts it holds that `annotate import-cuad` brought from CUAD's held-out dev "
                                "split (contracts.cuad_split): 0 unless built with --allow-cuad-dev, since a model "
                                "trained on them cannot be scored on CUAD's dev split; None on cards built before it "
                                "was counted")


def lost_labels(card: Mapping[str, Any]) -> str | None:
    """One line saying how many gold labels a built set (its card, as JSON) holds in no example and why, or
    None when it holds them all: the builder and `train prepare` print it, so a label left out is never left
    out without a word."""
    lost, placed = card["labels_truncated"], card["labels_placed"]
    if not lost:
        return None
    return (f"{lost} of {lost + placed} gold labels are in no example: no chunk of an example that fits "
            f"{card['params']['max_length']} tokens holds them with their answer (labels_truncated in {CARD_FILE}); "
            "a larger max length or the brief prompt keeps more")


def tokenizer_sha256(folder: str | Path) -> str | None:
    """sha256 of a tokenizer folder's tokenizer.json (None without one): what the card records as
    `tokenizer_sha256`, so the trainer can tell a set counted with another tokenizer from its own."""
    target = Path(folder) / "tokenizer.json"
    return hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else None


def content_hash(bodies: Mapping[str, bytes]) -> str:
    """sha256 over every split's file name and bytes, in SPLITS order (a missing split counts as empty)."""
    digest = hashlib.sha256()
    for split in SPLITS:
        body = bodies.get(split, b"")
        digest.update(f"{split_file(split)}\0{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()


def folder_hash(folder: Path) -> str:
    """content_hash() of the split files as they are on disk now."""
    bodies = {}
    for split in SPLITS:
        path = folder / split_file(split)
        if not path.is_file():
            raise TrainingSetError(f"{path}: no such file (the training-set builder writes all of {', '.join(SPLITS)})")
        bodies[split] = path.read_bytes()
    return content_hash(bodies)


def write_card(folder: Path, card: DatasetCard) -> Path:
    path = folder / CARD_FILE
    path.write_text(card.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def read_card(folder: Path) -> DatasetCard:
    """The folder's card, checked against its split files: refused when missing, malformed or stale."""
    path = folder / CARD_FILE
    if not path.is_file():
        raise TrainingSetError(f"{path}: no dataset card; build the set with `lexrisk annotate build-dataset`, "
                               "which records its version and content hash")
    try:
        card = DatasetCard.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "card"
        raise TrainingSetError(f"{path}: not a dataset card ({where}: {first['msg']})") from None
    actual = folder_hash(folder)
    if actual != card.content_hash:
        raise TrainingSetError(f"{folder}: the split files do not match their card (content hash {actual[:16]}, "
                               f"card says {card.content_hash[:16]}); rebuild the set instead of editing it")
    return card
