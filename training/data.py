"""The training set as `lexrisk annotate build-dataset` writes it (`contracts.training_set`): chat JSONL
splits plus the dataset card that names its version and content hash.

Each line is {"messages": [system, user, assistant]} where the assistant's content is the JSON list of
findings. The card and every line are checked here, before any model loads, and a problem is reported
by file (and line): a malformed or stale set found after an hour of training is an hour lost.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from contracts.training_set import DatasetCard, TrainingSetError, read_card, split_file, tokenizer_sha256
from training.config import DataSection

ROLES = ("system", "user", "assistant")


class DatasetError(ValueError):
    """The training set cannot be used; the message says which file and line."""


@dataclass(frozen=True)
class DatasetInfo:
    """What the model card records about the data: which version, which bytes."""

    path: str
    version: int | None
    content_hash: str
    max_length: int
    counts: dict[str, int] = field(default_factory=dict)
    prompt: str = "full"  # the system prompt style it was built with: the adapter is served with the same


@dataclass
class TrainingSet:
    """The checked splits and the card they were verified against."""

    train: list[dict]
    dev: list[dict] | None
    card: DatasetCard

    def info(self, path: Path, counts: dict[str, int]) -> DatasetInfo:
        return DatasetInfo(path=str(path), version=self.card.dataset_version, content_hash=self.card.content_hash,
                           max_length=self.card.params.max_length, counts=counts, prompt=self.card.params.prompt)


def load_training_set(data: DataSection) -> TrainingSet:
    """Card first (present, well-formed, its hash matching the split files), then the built-for length
    against the recipe's, then every line of the splits this run reads."""
    try:
        card = read_card(data.dataset_dir)
    except TrainingSetError as exc:
        raise DatasetError(str(exc)) from None
    built = card.params.max_length
    if built > data.max_length:
        raise DatasetError(f"{data.dataset_dir}: built for examples up to {built} tokens but the recipe's "
                           f"data.max_length is {data.max_length}, so longer examples would be dropped; rebuild with "
                           f"--max-length {data.max_length} or set data.max_length={built}")
    if data.evaluate and not card.examples.get("dev"):
        raise DatasetError(f"{data.dataset_dir}: its dev split has no examples (contracts per split: "
                           f"{card.contracts}) and the recipe evaluates on it; build the set from more contracts or "
                           "with a larger --dev (data.dev_fraction), or --set data.evaluate=false")
    train = read_chat_jsonl(data.dataset_dir / split_file("train"))
    dev = read_chat_jsonl(data.dataset_dir / split_file("dev")) if data.evaluate else None
    if dev is not None and data.max_dev_examples is not None:
        dev = evenly_spaced(dev, data.max_dev_examples)
    return TrainingSet(train, dev, card)


def check_tokenizer(card: DatasetCard, dataset_dir: Path, base: str) -> None:
    """Refuse a set counted with another tokenizer than the base's: its examples were fitted to max_length in
    that tokenizer's tokens, so with this one the trainer would drop the ones now too long without a word
    (a SmolLM2-built set on the tiny model loses most of them). Checked where both sides have a tokenizer.json."""
    built, own = card.params.tokenizer_sha256, tokenizer_sha256(base)
    if built is None or own is None or built == own:
        return
    raise DatasetError(f"{dataset_dir}: built with the tokenizer of {card.params.tokenizer} (tokenizer.json sha256 "
                       f"{built[:12]}), not the base's {base} ({own[:12]}); rebuild it with this base "
                       f"(`lexrisk train prepare RECIPE --rebuild`, or `lexrisk annotate build-dataset --tokenizer "
                       f"{shlex.quote(base)}`)")


def evenly_spaced(examples: list[dict], most: int) -> list[dict]:
    """At most `most` examples spread over the list (the split is ordered by contract, so its first N
    would all come from one or two contracts)."""
    if len(examples) <= most:
        return examples
    return [examples[i * len(examples) // most] for i in range(most)]


def read_chat_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (expected the training-set builder's output)")
    examples = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path.name}:{number}: not JSON ({exc.msg})") from None
            examples.append({"messages": _check_messages(record, f"{path.name}:{number}")})
    if not examples:
        raise DatasetError(f"{path}: no examples")
    return examples


def _check_messages(record: object, where: str) -> list[dict[str, str]]:
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list) or not messages:
        raise DatasetError(f"{where}: expected {{\"messages\": [...]}} with at least one message")
    clean = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES or not isinstance(message.get("content"), str):
            raise DatasetError(f"{where}: message {i} needs a role in {ROLES} and a string content")
        clean.append({"role": message["role"], "content": message["content"]})
    if clean[-1]["role"] != "assistant":
        raise DatasetError(f"{where}: the last message must be the assistant's answer")
    if any(m["role"] == "system" for m in clean[1:]):
        raise DatasetError(f"{where}: a system message may only come first")
    return clean
