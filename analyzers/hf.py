"""`hf`: a local transformers model with a PEFT adapter (optionally 4-bit NF4), for small models and
GPUs without a vLLM server. Same prompt, chunking and answer parsing as `openai` and the training set.

Generation is greedy and unconstrained (transformers has no JSON-schema decoding of its own), so every
answer is validated and an invalid one is counted in the job's stats, never guessed at. One model
instance serves one chunk at a time: a local model gains nothing from concurrent calls."""

from __future__ import annotations

import threading
from typing import Any

from analyzers import AnalyzerLoadError
from analyzers.chunked import ChunkAnswer, ChunkedAnalyzer, proposal_from_item
from analyzers.settings import AnalyzerSettings
from contracts.chunking import Chunk, chunk_document
from contracts.documents import Document
from contracts.playbook import Playbook
from contracts.prompt import AnswerFormatError, messages, parse_answer
from contracts.settings import PromptStyle


class HFAnalyzer(ChunkedAnalyzer):
    name = "hf"
    concurrency = 1
    file_budget = False  # generation runs on the GPU (minutes a contract), which a forked worker cannot use

    def __init__(self, playbook: Playbook | None = None, *, model: str, adapter: str | None = None,
                 load_in_4bit: bool = False, max_new_tokens: int = 1024, chunk_tokens: int = 2048,
                 prompt: PromptStyle = "full") -> None:
        super().__init__(playbook)
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model)
        kwargs: dict[str, Any] = {}
        if load_in_4bit:
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=torch.bfloat16 if torch.cuda.is_available() else torch.float32)
        else:
            kwargs["dtype"] = "auto"
        if torch.cuda.is_available():
            kwargs["device_map"] = "auto"
        # Any: transformers' auto class and peft's wrapper share no static type that has .generate and .device
        base: Any = AutoModelForCausalLM.from_pretrained(model, **kwargs)
        if adapter:
            from peft import PeftModel

            base = PeftModel.from_pretrained(base, adapter)
        self.model = base.eval()
        self.version = f"{model}+{adapter}" if adapter else model
        self.max_new_tokens, self.chunk_tokens, self.prompt = max_new_tokens, chunk_tokens, prompt
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def chunks(self, document: Document) -> list[Chunk]:
        return chunk_document(document, self.count_tokens, self.chunk_tokens)

    def generate_answer(self, prompt: list[dict[str, str]]) -> tuple[str, int, int, bool]:
        """(answer text, prompt tokens, answer tokens, cut off at max_new_tokens)."""
        import torch
        from transformers import BatchEncoding

        encoded = self.tokenizer.apply_chat_template(prompt, add_generation_prompt=True, return_tensors="pt",
                                                     return_dict=True)
        assert isinstance(encoded, BatchEncoding)  # return_dict=True; the return type is a union over the flags
        inputs = encoded.to(self.model.device)
        with self._lock, torch.inference_mode():
            output = self.model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False,
                                         pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id)
        new = output[0, inputs["input_ids"].shape[1]:]
        cut = len(new) >= self.max_new_tokens and int(new[-1]) != self.tokenizer.eos_token_id
        text = self.tokenizer.decode(new, skip_special_tokens=True)
        assert isinstance(text, str)  # one sequence in, one string out
        return text, int(inputs["input_ids"].shape[1]), len(new), bool(cut)

    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        assert isinstance(chunk, Chunk)
        text, prompt_tokens, answer_tokens, cut = self.generate_answer(
            messages(chunk, document_name=document.name, style=self.prompt))
        answer = ChunkAnswer([], prompt_tokens=prompt_tokens, completion_tokens=answer_tokens)
        try:
            if cut:
                raise AnswerFormatError(f"the answer was cut off at max_new_tokens={self.max_new_tokens}")
            parsed = parse_answer(text)
        except AnswerFormatError as exc:
            answer.errors.append(f"chunk {chunk.index}: {exc}")
            return answer
        answer.errors = [f"chunk {chunk.index}: {e}" for e in parsed.errors]
        answer.proposals = [proposal_from_item(chunk, item) for item in parsed.items]
        return answer


def from_settings(settings: AnalyzerSettings, playbook: Playbook | None) -> HFAnalyzer:
    if not settings.hf_model:
        raise AnalyzerLoadError("the hf analyzer needs LEXRISK_HF_MODEL (a model name or folder)")
    return HFAnalyzer(playbook, model=settings.hf_model, adapter=settings.hf_adapter,
                      load_in_4bit=settings.hf_load_in_4bit, max_new_tokens=settings.hf_max_new_tokens,
                      chunk_tokens=settings.chunk_tokens, prompt=settings.prompt)
