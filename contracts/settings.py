"""What every part of lexrisk reads: the base of every part's settings, and the domain's own (where data
lives, what a contract may be). Each part declares its settings beside its code (analyzers/settings.py,
serving/settings.py, ui/settings.py); `lexrisk.settings.Settings` composes them for the command root, and
docs/settings.md is generated from that composition, part by part."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar, cast

from platformdirs import user_data_dir
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_DATA_DIR = Path(user_data_dir("lexrisk", appauthor=False))
ENV_PREFIX = "LEXRISK_"
PromptStyle = Literal["full", "brief"]  # contracts.prompt.system_prompt's styles


class SettingsPart(BaseSettings):
    """Every part reads the same LEXRISK_* variables (and .env); a part is a group of them, not a prefix,
    so that composing parts (a subclass of several) reads each variable once."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")


P = TypeVar("P", bound=SettingsPart)
_loaded: dict[type[SettingsPart], SettingsPart] = {}


def load_settings(part: type[P]) -> P:
    """A part's settings, read from the environment once per process: the one cache, so that a test (or
    a command that changed the environment) clears every part at once with `clear_settings()`."""
    if part not in _loaded:
        _loaded[part] = part()
    return cast(P, _loaded[part])


def clear_settings() -> None:
    _loaded.clear()


class CommonSettings(SettingsPart):
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
                                 "segmenting and analysing it in its job, in the API, and each step of a template "
                                 "comparison: the template's analysis, the comparison, building its Word redline or "
                                 "review copy for a download; building a contract's own review copy or HTML report "
                                 "for a download); the work is stopped past it "
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


def settings_error(exc: ValidationError) -> str:
    """One line naming each bad environment variable and why, for the command root to print at start-up
    (instead of pydantic's multi-line report and a traceback)."""
    parts = []
    for err in exc.errors():
        name = f"{ENV_PREFIX}{str(err['loc'][0]).upper()}" if err["loc"] else "settings"
        message = err["msg"].removeprefix("Value error, ")  # our validators' messages read as pydantic's
        parts.append(f"{name}: {message} (got {err.get('input')!r})")
    return "bad setting: " + "; ".join(parts)
