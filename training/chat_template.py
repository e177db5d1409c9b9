"""Training chat templates with `{% generation %}` markers, one per model family, so trl can mask everything
but the assistant's reply (and its end-of-turn token) out of the loss. Each renders exactly the text its
family's stock template renders, so the model trains on what it sees when vLLM serves it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class ChatFamily:
    name: str
    template_file: str
    end_of_turn: str  # the token that closes an assistant reply; trained on, never used as padding
    pad_candidates: tuple[str, ...]  # tokens reserved for padding, first one the vocabulary has wins
    marker: str  # a string only this family's stock template contains


FAMILIES: dict[str, ChatFamily] = {
    "llama31": ChatFamily("llama31", "llama31_training.jinja", "<|eot_id|>", ("<|finetune_right_pad_id|>",),
                          "<|start_header_id|>"),
    "chatml": ChatFamily("chatml", "chatml_training.jinja", "<|im_end|>", ("<|endoftext|>",), "<|im_start|>"),
}


class UnknownChatFamilyError(ValueError):
    pass


def detect_family(stock_template: str | None, vocabulary: dict[str, int]) -> ChatFamily:
    """The family whose markers the stock template (or, without one, the vocabulary) carries."""
    for family in FAMILIES.values():
        if (stock_template and family.marker in stock_template) or (not stock_template and family.marker in vocabulary):
            return family
    raise UnknownChatFamilyError("the tokenizer's chat template is neither Llama 3.1 nor ChatML; lexrisk has "
                                 f"training templates for: {', '.join(FAMILIES)}")


@cache
def training_chat_template(family: str = "llama31") -> str:
    return resources.files("training").joinpath(f"templates/{FAMILIES[family].template_file}").read_text(
        encoding="utf-8")
