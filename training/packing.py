"""Batches of token sequences, padded or packed padding-free, for the benchmarks (#17).

Training itself packs through trl (`train.packing`, SFTConfig packing_strategy="bfd"); this module builds the same
two batch layouts from bare lengths, without trl or datasets, so the GPU benchmark can run on a host that has
neither and measure exactly what packing changes: a padded batch is `batch` examples right-padded to the longest
one with an attention mask; a packed batch is rows of at most `capacity` tokens filled best-fit-decreasing (trl's
strategy), flattened into one sequence whose position ids restart at 0 at each example, as trl's padding-free
collator builds it. tests/training/test_packing.py shows the two give the same per-token losses."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.training_set import meta_file


@dataclass(frozen=True)
class Batch:
    """One micro-batch: the tensors the model takes and how many of its tokens are real (not padding)."""

    inputs: dict[str, Any]
    useful_tokens: int
    computed_tokens: int


def bfd_rows(lengths: list[int], capacity: int) -> list[list[int]]:
    """Indexes of `lengths` grouped into rows of at most `capacity` tokens, best fit decreasing: each example, longest
    first, goes to the fullest row it still fits in. Raises ValueError for an example longer than a row."""
    if any(n > capacity for n in lengths):
        raise ValueError(f"an example of {max(lengths)} tokens does not fit a row of {capacity}")
    rows: list[list[int]] = []
    free: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        fits = [r for r, room in enumerate(free) if room >= lengths[index]]
        if fits:
            best = min(fits, key=lambda r: free[r])
            rows[best].append(index)
            free[best] -= lengths[index]
        else:
            rows.append([index])
            free.append(capacity - lengths[index])
    return rows


def padded_batch(examples: list[Any], pad_id: int) -> Batch:
    """Examples (1-D id tensors) right-padded to the longest, with an attention mask and -100 labels on padding."""
    import torch

    longest = max(len(e) for e in examples)
    ids = torch.full((len(examples), longest), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, example in enumerate(examples):
        ids[row, :len(example)] = example
        mask[row, :len(example)] = 1
    labels = ids.masked_fill(mask == 0, -100)
    useful = int(mask.sum())
    return Batch({"input_ids": ids, "attention_mask": mask, "labels": labels}, useful, ids.numel())


def packed_batch(examples: list[Any]) -> Batch:
    """Examples concatenated into one row, position ids restarting at 0 for each, no attention mask: transformers'
    attention turns the restarting positions into per-example causal blocks (run it without a KV cache)."""
    import torch

    ids = torch.cat(list(examples))[None]
    positions = torch.cat([torch.arange(len(e)) for e in examples])[None]
    labels = ids.masked_fill(positions == 0, -100)  # no example's first token is predicted from the one before
    return Batch({"input_ids": ids, "position_ids": positions, "labels": labels}, ids.numel(), ids.numel())


def batches(lengths: list[int], *, batch: int, capacity: int, packed: bool, vocab: int, seed: int = 0) -> list[Batch]:
    """The whole set of `lengths` (random ids) as micro-batches: padded, `batch` examples each in a seeded random
    order (as a shuffling sampler draws them), or packed, `batch` best-fit-decreasing rows of `capacity` each."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(lengths), generator=generator).tolist()
    examples = {i: torch.randint(3, vocab, (lengths[i],), generator=generator) for i in order}
    if not packed:
        groups = [order[i:i + batch] for i in range(0, len(order), batch)]
        return [padded_batch([examples[i] for i in group], pad_id=0) for group in groups]
    rows = bfd_rows(lengths, capacity)
    rows = [rows[i] for i in torch.randperm(len(rows), generator=generator).tolist()]
    return [packed_batch([examples[i] for row in rows[r:r + batch] for i in row]) for r in range(0, len(rows), batch)]


def read_lengths(path: Path, split: str = "train") -> list[int]:
    """Token counts of a training set: a folder written by `lexrisk annotate build-dataset` (its split's meta file),
    or a JSON file with a "lengths" list (what benchmarks/packing_cpu.py records)."""
    path = Path(path)
    if path.is_dir():
        meta = path / meta_file(split)
        if not meta.is_file():
            raise ValueError(f"{path}: no {meta.name}; is it a folder written by build-dataset?")
        return [json.loads(line)["tokens"] for line in meta.read_text(encoding="utf-8").splitlines() if line.strip()]
    data = json.loads(path.read_text(encoding="utf-8"))
    lengths = data.get("lengths") if isinstance(data, dict) else None
    if not isinstance(lengths, list) or not lengths or not all(isinstance(n, int) and n > 0 for n in lengths):
        raise ValueError(f"{path}: expected a JSON object with a non-empty 'lengths' list of token counts")
    return lengths
