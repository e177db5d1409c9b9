"""The span picker: the contract text where an annotator selects words with the mouse (snapped to word or
sentence boundaries) or takes one of the model's suggestions, and picks category and severity from the
keyboard. A small component of our own (index.html, plain JS over Streamlit's component protocol): the
labelling components on PyPI (streamlit-text-label 0.1.2, text-highlighter 0.0.15,
streamlit-annotation-tools 1.0.1) label free spans but neither snap them, nor offer suggestions to accept,
edit or reject, nor take keyboard shortcuts; see docs/annotation.md.

It returns the annotator's last action, once per action: {"seq", "action": "save", "start", "end",
"category", "severity", "origin", "suggestion"} or {"seq", "action": "reject", "suggestion"}."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

_component = components.declare_component("span_picker", path=str(Path(__file__).parent))


def span_picker(text: str, *, suggestions: list[dict[str, Any]], labels: list[dict[str, Any]],
                categories: list[str], guidelines: dict[str, dict[str, Any]], snap: str = "word",
                height: int = 600, key: str) -> dict[str, Any] | None:
    """Show the picker; the annotator's latest action (a new `seq` each time), or None before any.

    `suggestions`: {id, start, end, category, severity, score}; `labels`: {start, end, severity, title};
    `guidelines`: category -> {description, playbook, severity, guidance}."""
    value = _component(text=text, suggestions=suggestions, labels=labels, categories=categories,
                       guidelines=guidelines, snap=snap, height=height, key=key, default=None)
    return value if isinstance(value, dict) else None
