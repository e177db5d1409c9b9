"""Llama 3.1's chat format with `{% generation %}` markers, so trl can mask everything but the
assistant's reply (and its <|eot_id|>) out of the loss."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def training_chat_template() -> str:
    return resources.files("training").joinpath("templates/llama31_training.jinja").read_text(encoding="utf-8")
