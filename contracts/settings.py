"""The one settings object. Every part of lexrisk reads its configuration from here, so a setting is
named, typed and documented once (docs/settings.md is checked against this class by a test)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, get_args

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_DATA_DIR = Path(user_data_dir("lexrisk", appauthor=False))
ENV_PREFIX = "LEXRISK_"
StructuredOutput = Literal["response_format", "structured_outputs"]
PromptStyle = Literal["full", "brief"]  # contracts.prompt.system_prompt's styles
# who reads the key terms on the LLM path: the rule extractor, or the served model (contracts.terms_prompt)
TermsSource = Literal["rules", "model"]
# the analyzers that ship with lexrisk (analyzers.ANALYZERS maps each to its factory)
BuiltinAnalyzer = Literal["baseline", "openai", "hf"]
BUILTIN_ANALYZERS: tuple[str, ...] = get_args(BuiltinAnalyzer)


class _Part(BaseSettings):
    """Every part reads the same LEXRISK_* variables (and .env); a part is a group of them, not a prefix."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")


class CommonSettings(_Part):
    """Where data lives and what a contract may be: read by every part."""

    database_url: str = Field(f"sqlite:///{_DATA_DIR / 'lexrisk.db'}",
                              description="SQLAlchemy URL of the store (SQLite file by default, PostgreSQL in production)")
    redis_url: str | None = Field(None, description="Redis URL; when set, analysis jobs run on `lexrisk worker` processes")
    cuad_dir: Path = Field(Path("../shared/data/cuad"), description="CUAD data folder (master_clauses.csv, full_contract_txt/)")
    playbook: Path | None = Field(None, description="YAML file overriding the shipped severity playbook, category by category")
    max_upload_mb: float = Field(25.0, gt=0, description="largest contract file accepted, in MiB")
    max_pages: int = Field(500, gt=0, description="most pages accepted in one contract (PDF: read from the page "
                                                  "tree before any text is extracted)")
    max_unpacked_mb: float = Field(100.0, gt=0, description="most MiB a DOCX may unpack to, all members together "
                                                            "(checked while unpacking, before parsing)")
    max_docx_xml_mb: float = Field(25.0, gt=0, description="most MiB of XML a DOCX may hold, all parts together "
                                                           "(what python-docx parses; its time and memory grow with it)")
    max_zip_members: int = Field(2000, ge=1, description="most members a DOCX (zip) may hold")
    max_zip_ratio: float = Field(200.0, gt=1, description="highest compression ratio of a DOCX member over 1 MiB "
                                                          "(a zip bomb's is in the thousands)")
    max_text_chars: int = Field(2_000_000, ge=1000, description="most characters of text one contract may hold, "
                                "about 6.7 times CUAD's longest (300,304 after clean-up); past it the file is "
                                "refused as `text_too_long`, a PDF page by page as its text is extracted")
    max_pdf_page_mb: float = Field(1.0, gt=0, description="most MiB one PDF page's content (text and drawing "
                                   "operators, decoded) may hold, checked before its text is extracted: CUAD's "
                                   "largest page holds 90 KB, a hostile 60 KB file's one page 40 MB (`too_complex`)")
    file_budget_s: float = Field(20.0, gt=0, description="seconds one file may take from its bytes to its findings "
                                 "(reading, segmenting, analysing with `lexrisk analyze`; reading an upload, then "
                                 "segmenting and analysing it in its job, in the API); the work is stopped past it "
                                 "(`extraction_timeout`, `analysis_timeout`). An API job on `openai` or `hf` is not "
                                 "bounded by it: its time is the model server's or the GPU's (request timeouts and "
                                 "retries; `LEXRISK_JOB_TIMEOUT_S`)")
    file_memory_mb: float = Field(1024.0, ge=256, description="memory (MiB) of the whole process group while one "
                                  "file is read and analysed, the command's own included (in an API job, the "
                                  "analysis worker's own); the work is stopped past it (`extraction_out_of_memory`, "
                                  "`analysis_out_of_memory`)")
    ingest_isolation: bool = Field(True, description="read (and in `lexrisk analyze` analyse) files in a separate "
                                                     "process under the file budget above (off: in the calling "
                                                     "process, guards only)")
    pdf_extractor: Literal["pypdf", "pdfplumber"] = Field("pypdf", description="PDF text extractor: pypdf or pdfplumber")
    proofing_kinds: list[str] | None = Field(None, description="JSON list of the proofing checks reported (undefined_term, "
                                             "unused_definition, duplicate_definition, missing_reference, placeholder, "
                                             "redaction, numbering, party_name); unset: those on by default "
                                             "(docs/proofing.md)")

    @field_validator("proofing_kinds")
    @classmethod
    def _known_proofing_kinds(cls, value: list[str] | None) -> list[str] | None:
        from contracts.proofing.models import PROOFING_KINDS

        unknown = [k for k in value or () if k not in PROOFING_KINDS]
        if unknown:
            raise ValueError(f"unknown proofing check(s) {', '.join(unknown)}; choose from {', '.join(PROOFING_KINDS)}")
        return value

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


class ApiSettings(_Part):
    """The HTTP API (`lexrisk serve`) and its clients (`lexrisk batch`, the app)."""

    host: str = Field("127.0.0.1", description="address `lexrisk serve` binds to")
    port: int = Field(8000, ge=1, le=65535, description="port `lexrisk serve` listens on")
    rate_limit_per_minute: int = Field(120, ge=1, description="uploads, reviews and deletes one API key may make per "
                                                             "minute (429 beyond); shared by API processes via Redis")
    rate_limit_reads_per_minute: int = Field(1200, ge=1, description="reads (status polls, listings) one API key may "
                                                                     "make per minute, a budget apart from writes")
    auth_cache_s: float = Field(5.0, ge=0, description="seconds an API process trusts a checked key without asking "
                                                       "the database again, unless a key was revoked meanwhile "
                                                       "(a revocation counter in Redis) or the key expired (0: off)")
    auth_failures_per_minute: int = Field(20, ge=1, description="failed authentications one client address may make "
                                                                "per minute before it gets 429 for every key that "
                                                                "has not authenticated in the last day")
    trusted_proxies: list[str] = Field(default_factory=list, description='JSON list of proxy addresses or CIDR '
                                       'blocks whose X-Forwarded-For is believed, e.g. ["10.0.0.5", "10.1.0.0/16"]; '
                                       "empty (the default): the connection's peer is the client")
    api_threads: int = Field(32, ge=1, description="threads one API process runs blocking work on (database calls, "
                                                   "uploads); its database pools keep a connection for each. Status "
                                                   "polls on PostgreSQL and Redis rate limits run on the event loop, "
                                                   "the polls on as many PostgreSQL connections, opened at start-up")
    max_body_kb: int = Field(1024, ge=1, description="largest request body of a route that takes no file, in KB")
    admin_token: SecretStr | None = Field(None, description="when set, /admin/keys (list, revoke) takes "
                                                           "`Authorization: Bearer <token>`; unset: those routes are off")
    metrics_token: SecretStr | None = Field(None, description="when set, /metrics needs `Authorization: Bearer <token>`")
    page_size_max: int = Field(100, ge=1, description="largest `limit` a list request may ask for")
    # clients of the API (`lexrisk batch`, the app)
    api_url: str = Field("http://127.0.0.1:8000", description="base URL of the lexrisk API that `lexrisk batch` and "
                                                                "the Streamlit app talk to")
    api_key: SecretStr | None = Field(None, description="API key `lexrisk batch` sends (`lexrisk keys create` prints one)")
    ui_idle_minutes: float = Field(480.0, gt=0, description="minutes the app keeps a sign-in without a page run (the "
                                                           "key stays on the app's server; the browser holds an "
                                                           "HttpOnly session cookie)")


    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        """An entry that is no address or network would silently trust no one (or the wrong one)."""
        import ipaddress

        for entry in entries:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or CIDR block") from None
        return entries


class JobSettings(_Part):
    """Analysis jobs: the in-process worker and the RQ queues."""

    job_workers: int = Field(2, ge=1, description="analysis jobs run at once by the in-process worker")
    job_max_attempts: int = Field(3, ge=1, description="tries per job before it is marked failed "
                                                       "(a killed worker or a lost backend costs one)")
    job_stale_after_s: float = Field(15.0, gt=0, description="a running job whose heartbeat is older than this is "
                                                            "taken as lost and retried or failed")
    job_heartbeat_s: float = Field(5.0, gt=0, description="how often a running job records that it is alive")
    job_timeout_s: int = Field(3600, ge=1, description="longest one analysis job may run on an RQ worker")
    queue_max: int = Field(2000, ge=1, description="queued analysis jobs of all tenants together; uploads past it "
                                                  "get 503 with Retry-After")
    queue_max_per_tenant: int = Field(200, ge=1, description="queued analysis jobs of one tenant; its uploads past "
                                                            "it get 429 with Retry-After")
    queue_lanes: int = Field(8, ge=1, description="RQ queues tenants are spread over; workers take them in turn, so "
                                                 "tenants in different lanes are served fairly")
    queue_retry_after_s: int = Field(30, ge=1, description="Retry-After sent with a queue_full refusal")
    analyzer_retries: int = Field(3, ge=1, description="tries of a job's analysis while the model server cannot be "
                                                       "reached, before it fails as analyzer_unavailable")
    analyzer_retry_backoff_s: float = Field(2.0, ge=0, description="wait before the second such try; doubles each try")


class WebhookSettings(_Part):
    """Job-finished callbacks."""

    webhook_secret: SecretStr | None = Field(None, description="Standard Webhooks signing secret (`whsec_` + base64); "
                                                               "callbacks are refused while it is unset")
    webhook_allowed_hosts: list[str] = Field(default_factory=list,
                                             description='JSON list of hosts callback URLs may name, e.g. '
                                                         '["dms.example.com", "*.corp.example"]; empty: none')
    webhook_allow_private: bool = Field(False, description="let callbacks go to hosts that resolve to loopback, "
                                         "link-local or private addresses (a receiver on this host or network); "
                                         "off: only public addresses, checked after DNS resolution")
    webhook_max_attempts: int = Field(5, ge=1, description="delivery tries per webhook")
    webhook_backoff_s: float = Field(1.0, ge=0, description="first retry delay of a webhook; doubles each try")
    webhook_workers: int = Field(4, ge=1, description="threads per process that deliver webhooks, apart from the "
                                                     "analysis workers")
    webhook_timeout_s: float = Field(10.0, gt=0, description="seconds one webhook delivery may take")
    notice_webhook_days: int = Field(30, ge=0, le=3650, description="days before a contract's last day to give notice "
                                     "of non-renewal that its `contract.notice_deadline` webhook is sent")
    notice_scan_interval_s: float = Field(3600.0, gt=0, description="how often each worker process looks for notice "
                                          "deadlines coming due (`lexrisk notices` scans once, e.g. from cron)")


class AnalyzerSettings(_Part):
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


class Settings(AnalyzerSettings, WebhookSettings, JobSettings, ApiSettings, CommonSettings):
    """All the parts in one object, as `get_settings()` returns it; a part's code may take just its part.
    (Bases in reverse: pydantic lists the last base's fields first, so docs/settings.md reads common first.)"""


@cache
def get_settings() -> Settings:
    return Settings()


def settings_error(exc: ValidationError) -> str:
    """One line naming each bad environment variable and why, for the command root to print at start-up
    (instead of pydantic's multi-line report and a traceback)."""
    parts = []
    for err in exc.errors():
        name = f"{ENV_PREFIX}{str(err['loc'][0]).upper()}" if err["loc"] else "settings"
        message = err["msg"].removeprefix("Value error, ")  # our validators' messages read as pydantic's
        parts.append(f"{name}: {message} (got {err.get('input')!r})")
    return "bad setting: " + "; ".join(parts)
