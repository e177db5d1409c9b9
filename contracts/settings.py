"""The one settings object. Every part of lexrisk reads its configuration from here, so a setting is
named, typed and documented once (docs/settings.md is checked against this class by a test)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_DATA_DIR = Path(user_data_dir("lexrisk", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEXRISK_", env_file=".env", extra="ignore")

    database_url: str = Field(f"sqlite:///{_DATA_DIR / 'lexrisk.db'}",
                              description="SQLAlchemy URL of the store (SQLite file by default, PostgreSQL in production)")
    redis_url: str | None = Field(None, description="Redis URL; when set, analysis jobs run on `lexrisk worker` processes")
    cuad_dir: Path = Field(Path("../shared/data/cuad"), description="CUAD data folder (master_clauses.csv, full_contract_txt/)")
    playbook: Path | None = Field(None, description="YAML file overriding the shipped severity playbook, category by category")
    baseline_model: Path | None = Field(None, description="baseline analyzer artifact; default: the one shipped in the package")
    max_upload_mb: float = Field(25.0, gt=0, description="largest contract file accepted, in MB")
    max_pages: int = Field(500, gt=0, description="most pages accepted in one contract")
    pdf_extractor: Literal["pypdf", "pdfplumber"] = Field("pypdf", description="PDF text extractor: pypdf or pdfplumber")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@cache
def get_settings() -> Settings:
    return Settings()
