"""What the encoder reads for one sentence, and its tokens: the same code at training and at run time,
so the ONNX model sees exactly the inputs the torch model was trained on.

The first segment is the clause heading and the sentence ("Assignment: Neither party may ..."), the
second the sentences before and after it: a CUAD label often hangs on context the sentence itself
lacks, and BERT's pair segments let the model tell the sentence from its surroundings. Tokens come
from the `tokenizers` library reading the model's own tokenizer.json (no transformers, no torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from contracts.segment import Span

MAX_LENGTH = 128
CONTEXT_CHARS = 300  # of each neighbour: past this the pair is truncated anyway


def pair_texts(text: str, units: list[Span], headings: list[str], index: int) -> tuple[str, str]:
    sentence = " ".join(text[units[index].start:units[index].end].split())
    heading = " ".join(headings[index].split())
    first = f"{heading}: {sentence}" if heading else sentence
    before = " ".join(text[units[index - 1].start:units[index - 1].end].split())[-CONTEXT_CHARS:] if index > 0 else ""
    after = " ".join(text[units[index + 1].start:units[index + 1].end].split())[:CONTEXT_CHARS] \
        if index + 1 < len(units) else ""
    return first, f"{before} ... {after}"


def load_tokenizer(path: Path, max_length: int = MAX_LENGTH) -> Tokenizer:
    """The model's tokenizer, truncating pairs to `max_length` tokens and padding a batch to its longest."""
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.enable_padding(pad_id=0, pad_type_id=0, pad_token="[PAD]")
    return tokenizer


def encode(tokenizer: Tokenizer, pairs: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """int64 input_ids, attention_mask and token_type_ids, (len(pairs), longest) each."""
    batch = tokenizer.encode_batch(pairs)
    return {"input_ids": np.array([e.ids for e in batch], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64)}
