"""The analyzers' settings: which analyzer answers, and how each backend (the embedded model, an
OpenAI-compatible server such as vLLM, local transformers) runs."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from contracts.settings import PromptStyle, SettingsPart

StructuredOutput = Literal["response_format", "structured_outputs"]
# who reads the key terms on the LLM path: the rule extractor, or the served model (contracts.terms_prompt)
TermsSource = Literal["rules", "model"]
# the analyzers that ship with lexrisk (analyzers.ANALYZERS maps each to its factory)
BuiltinAnalyzer = Literal["baseline", "openai", "hf"]
BUILTIN_ANALYZERS: tuple[str, ...] = get_args(BuiltinAnalyzer)


class AnalyzerSettings(SettingsPart):
    """Which analyzer answers, and how each backend (baseline, OpenAI-compatible/vLLM, local hf) runs."""

    analyzer_plugins: dict[str, str] = Field(default_factory=dict,
                                             description='extra analyzers as JSON {"name": "module:factory"}; '
                                                         "the factory takes (settings, playbook)")
    analyzer: str = Field("baseline", description="analyzer used when an upload names none: baseline, openai, hf "
                                                  "or a name in LEXRISK_ANALYZER_PLUGINS; checked at start-up")
    baseline_model: Path | None = Field(None, description="baseline analyzer artifact; default: the one shipped in the package")
    baseline_threshold_scale: float = Field(1.0, gt=0, le=1, description="multiplies the baseline's per-category "
                                            "thresholds; below 1 it also returns lower-scored candidates, for the "
                                            "precision-recall curve of `lexrisk eval run` (not for serving)")
    baseline_possible_floor: float = Field(0.1, ge=0, lt=1, description="the baseline also returns passages scored "
                                           "at or above this share of a category's threshold (but below it) as "
                                           "`possible` findings, for the app's \"Possible — check\" list; 0: none. 0.1 is the "
                                           "highest floor whose held-out recall with them reaches 0.80 on CUAD dev "
                                           "(tuned there: eval/results/possible_floor.json)")
    # the OpenAI-compatible (vLLM) analyzer
    openai_base_url: str = Field("http://127.0.0.1:8001/v1", description="base URL of the OpenAI-compatible server")
    openai_api_key: SecretStr | None = Field(None, description="API key of that server (vLLM `--api-key`)")
    openai_model: str = Field("contract-risk", description="model name to request: the LoRA module name on vLLM")
    openai_timeout_s: float = Field(120.0, gt=0, description="seconds one chat completion may take")
    openai_max_retries: int = Field(3, ge=0, description="retries of a failed or invalid completion, with backoff")
    openai_concurrency: int = Field(4, ge=1, description="chunks of one contract sent to the server at once")
    openai_max_tokens: int = Field(1024, ge=16, description="most tokens the model may answer per chunk")
    openai_structured_output: StructuredOutput = Field("response_format",
                                          description="how the answer schema is sent: response_format (json_schema, "
                                                      "OpenAI and vLLM) or structured_outputs (vLLM's own field)")
    openai_terms: TermsSource = Field("rules", description="who reads the key terms on the openai analyzer: rules "
                                      "(the rule extractor, as every analyzer) or model (the served model, asked once "
                                      "per contract with the terms schema; its quotes grounded in the text)")
    openai_max_findings: int = Field(50, ge=1, description="most findings one chunk's answer may hold (a decoding bound)")
    openai_max_quote_chars: int = Field(4000, ge=20, description="longest quote the model may write (a decoding bound, "
                                                                 "so that every answer ends within max_tokens)")
    openai_max_explanation_chars: int = Field(500, ge=20, description="longest explanation the model may write")
    openai_temperature: float = Field(0.0, ge=0, le=2, description="sampling temperature (0: greedy, reproducible)")
    openai_seed: int | None = Field(None, description="sampling seed sent with each request (vLLM honours it)")
    openai_tokenizer: str | None = Field(None, description="tokenizer.json (or a folder holding one) of the served model, "
                                                           "to cut chunks by real token counts; default: 3 chars a token")
    chunk_tokens: int = Field(2048, ge=64, description="tokens of contract text per chunk sent to a model")
    prompt: PromptStyle = Field("full", description="system prompt of the model analyzers (openai, hf): full "
                                "(category descriptions and the answer schema) or brief (category names only, "
                                "for small models); the style the served model was trained with, as its "
                                "dataset card says")
    openai_context_tokens: int | None = Field(None, ge=256, description="the served model's context (vLLM "
                                              "--max-model-len); when set, chunks shrink so that system prompt, "
                                              "chunk and answer fit it")
    # the local transformers + PEFT analyzer (hf)
    hf_model: str | None = Field(None, description="base model name or path for the hf analyzer")
    hf_adapter: str | None = Field(None, description="PEFT adapter path for the hf analyzer")
    hf_load_in_4bit: bool = Field(False, description="load the hf base model in 4-bit NF4 (bitsandbytes)")
    hf_max_new_tokens: int = Field(1024, ge=1, description="most tokens the hf model may answer per chunk")

    @field_validator("analyzer")
    @classmethod
    def _known_analyzer(cls, name: str, info: ValidationInfo) -> str:
        """A default analyzer nothing can build would let the API start and fail every upload: refuse it
        when the settings are read, so `lexrisk serve` stops at once with the choices."""
        known = sorted({*BUILTIN_ANALYZERS, *(info.data.get("analyzer_plugins") or {})})
        if name not in known:
            raise ValueError(f"unknown analyzer; choose one of: {', '.join(known)}")
        return name
