"""The embedded default analyzer: a linear classifier over sentences trained on CUAD's labels.

Small (a few MB, no pickle), fast (no GPU, no torch), and rebuilt bit-for-bit from the data by
`lexrisk baseline train`. See model/MODEL_CARD.md for what it was trained on and how well it does.

The analyzer itself lives in `analyzer.py` and is loaded on first use: this package also holds the
`lexrisk baseline` command module, and `lexrisk --help` must not pay for sklearn and spaCy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyzers.baseline.analyzer import BaselineAnalyzer, from_settings, shipped_model_dir

__all__ = ["BaselineAnalyzer", "from_settings", "shipped_model_dir"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from analyzers.baseline import analyzer

        return getattr(analyzer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
