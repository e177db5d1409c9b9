"""The builder/trainer hand-off: one hash over every split, and a card that is refused rather than guessed at."""

from __future__ import annotations

import pytest

from contracts.training_set import CARD_FILE, TrainingSetError, content_hash, folder_hash, read_card, split_file


def test_hash_depends_on_which_split_holds_the_bytes():
    line = b'{"messages": []}\n'
    assert content_hash({"train": line}) != content_hash({"dev": line})
    assert content_hash({"train": line, "dev": b""}) == content_hash({"train": line})
    assert content_hash({"train": line + line}) != content_hash({"train": line, "dev": line})


def test_folder_hash_needs_every_split(tmp_path):
    for split in ("train", "dev"):
        (tmp_path / split_file(split)).write_text("{}\n")
    with pytest.raises(TrainingSetError, match=r"test\.jsonl: no such file"):
        folder_hash(tmp_path)
    (tmp_path / split_file("test")).write_text("")
    assert folder_hash(tmp_path) == content_hash({"train": b"{}\n", "dev": b"{}\n", "test": b""})


def test_card_with_an_unknown_field_is_refused(tmp_path):
    for split in ("train", "dev", "test"):
        (tmp_path / split_file(split)).write_text("")
    (tmp_path / CARD_FILE).write_text('{"content_hash": "x", "surprise": 1}')
    with pytest.raises(TrainingSetError, match="not a dataset card"):
        read_card(tmp_path)
