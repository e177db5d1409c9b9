"""Fixtures shared by every part's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.settings import get_settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SAMPLE_TXT = EXAMPLES / "contracts" / "master_services_agreement.txt"
SAMPLE_PDF = SAMPLE_TXT.with_suffix(".pdf")
SAMPLE_DOCX = SAMPLE_TXT.with_suffix(".docx")


@pytest.fixture(scope="session")
def cuad_dir() -> Path:
    """The CUAD folder named by LEXRISK_CUAD_DIR (default ../shared/data/cuad, from the repo root)."""
    path = get_settings().cuad_dir
    if not path.is_absolute():
        path = (REPO / path).resolve()
    if not (path / "master_clauses.csv").is_file():
        pytest.skip(f"CUAD data not found at {path} (set LEXRISK_CUAD_DIR)")
    return path


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_TXT.read_text("utf-8")
