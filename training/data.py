"""The training set as the annotation builder writes it: chat JSONL splits plus dataset_card.json.

Each line is {"messages": [system, user, assistant]} where the assistant's content is the JSON list of
findings. Lines are checked here, before any model loads, and a bad line is reported by file and
line number: a malformed example found after an hour of training is an hour lost.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("system", "user", "assistant")


class DatasetError(ValueError):
    """The training set cannot be used; the message says which file and line."""


@dataclass(frozen=True)
class DatasetInfo:
    """What the model card records about the data: which version, which bytes."""

    path: str
    version: str | None
    content_hash: str
    card_hash: str | None
    counts: dict[str, int] = field(default_factory=dict)


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


def file_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def dataset_info(dataset_dir: Path, files: list[Path], counts: dict[str, int]) -> DatasetInfo:
    """Version and hash from dataset_card.json when the builder wrote one; our own hash of the split files
    always, so the card can be checked against the bytes that were trained on."""
    card_path = dataset_dir / "dataset_card.json"
    version = card_hash = None
    if card_path.is_file():
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{card_path}: not JSON ({exc.msg})") from None
        version = card.get("version") or card.get("dataset_version")
        card_hash = card.get("content_hash") or card.get("sha256") or card.get("hash")
    return DatasetInfo(path=str(dataset_dir), version=None if version is None else str(version),
                       content_hash=file_sha256(*files), card_hash=card_hash, counts=counts)
