"""The local transformers + PEFT analyzer on a tiny random Llama with a LoRA adapter built here."""

from __future__ import annotations

import json

import pytest

from contracts.documents import Document
from tests.serving.conftest import SAMPLES

pytestmark = pytest.mark.slow
TEXT = (SAMPLES / "master_services_agreement.txt").read_text()
QUOTE = "Customer shall purchase all of its requirements for data analytics services exclusively from Provider"


@pytest.fixture(scope="module")
def analyzer(tiny_llm):
    from analyzers.hf import HFAnalyzer

    base, adapter = tiny_llm
    return HFAnalyzer(model=str(base), adapter=str(adapter), max_new_tokens=8, chunk_tokens=1024)


def test_loads_base_and_adapter_and_counts_what_it_cannot_parse(analyzer) -> None:
    from peft import PeftModel

    assert isinstance(analyzer.model, PeftModel)
    errors: list[str] = []
    progress: list[tuple[int, int]] = []

    class Observer:
        def progress(self, done, total): progress.append((done, total))
        def tokens(self, prompt, completion): pass
        def answer_errors(self, e): errors.extend(e)

    result = analyzer.analyze(Document.from_text("msa.txt", TEXT), Observer())
    total = progress[-1][1]
    assert total >= 2 and progress[-1] == (total, total)
    assert result.findings == [] and len(errors) == total  # a random model's 8 tokens are no answer
    assert all("cut off" in e or "JSON" in e for e in errors)


def test_valid_answers_become_grounded_findings(analyzer, monkeypatch) -> None:
    answer = json.dumps([{"category": "Exclusivity", "severity": "high", "quote": QUOTE, "explanation": "lock-in"},
                         {"category": "Audit Rights", "severity": "low", "quote": "not in the text", "explanation": "x"}])
    monkeypatch.setattr(analyzer, "generate_answer", lambda prompt: (answer, 10, 5, False))
    result = analyzer.analyze(Document.from_text("msa.txt", TEXT))
    assert {(f.category, f.quote, f.severity) for f in result.findings} == {("Exclusivity", QUOTE, "high")}
    assert result.stats.ungrounded_dropped >= 1


def test_four_bit_base_with_adapter(tiny_llm) -> None:
    from bitsandbytes.nn import Linear4bit

    from analyzers.hf import HFAnalyzer

    base, adapter = tiny_llm
    analyzer = HFAnalyzer(model=str(base), adapter=str(adapter), load_in_4bit=True, max_new_tokens=4,
                          chunk_tokens=1024)
    layer = analyzer.model.base_model.model.model.layers[0].self_attn.q_proj
    assert isinstance(layer.base_layer, Linear4bit) and "default" in layer.lora_A  # NF4 base, LoRA on top
    result = analyzer.analyze(Document.from_text("msa.txt", TEXT))
    assert result.findings == []
