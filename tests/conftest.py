from pathlib import Path

import pytest

from contracts.settings import get_settings


@pytest.fixture(scope="session")
def cuad_dir() -> Path:
    folder = get_settings().cuad_dir
    if not (folder / "cuad_spans.jsonl").is_file():
        pytest.skip(f"CUAD data not found at {folder} (set LEXRISK_CUAD_DIR)")
    return folder
