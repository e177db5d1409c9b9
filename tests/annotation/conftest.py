"""Fixtures for the annotation tests: a store on SQLite and on the real PostgreSQL (a fresh schema per
test), a small CUAD folder cut from the real one, and a tokenizer trained on the spot."""

from __future__ import annotations

import csv
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from annotation.store import Store
from annotation.store.db import make_engine
from tests.conftest import unavailable

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
SMALL_CUAD = [  # four contracts: short, a multi-part excerpt, a repeated excerpt, a long one
    "2ThemartComInc_19990826_10-12G_EX-10.10_6700288_EX-10.10_Co-Branding Agreement_ Agency Agreement.txt",
    "ABILITYINC_06_15_2020-EX-4.25-SERVICES AGREEMENT.txt",
    "ACCELERATEDTECHNOLOGIESHOLDINGCORP_04_24_2003-EX-10.13-JOINT VENTURE AGREEMENT.txt",
    "ADAMSGOLFINC_03_21_2005-EX-10.17-ENDORSEMENT AGREEMENT.txt",
]


@pytest.fixture(autouse=True)
def no_clocked_progress(monkeypatch):
    """Off a terminal the commands print a progress line every PLAIN_PROGRESS_EVERY_S seconds: on a slow machine
    a test reading stderr would see lines a fast one does not. None here; the test of the lines asks for them."""
    monkeypatch.setattr("lexrisk.commands.annotate_common.PLAIN_PROGRESS_EVERY_S", float("inf"))


def _sqlite_store(tmp_path: Path, name: str = "store.db") -> Store:
    return Store(f"sqlite:///{tmp_path / name}")


def _postgres_store():
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # the server is not there
        admin.dispose()
        unavailable(f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(exc).__name__})")
    return admin, schema, Store(POSTGRES_URL, schema=schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A migrated, empty store, once per database."""
    if request.param == "sqlite":
        s = _sqlite_store(tmp_path)
        yield s
        s.dispose()
        return
    admin, schema, s = _postgres_store()
    yield s
    s.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    """A second store, on SQLite only, separate from `store`."""
    s = _sqlite_store(tmp_path, "other.db")
    yield s
    s.dispose()


def write_small_cuad(cuad_dir: Path, out: Path, names: list[str] = SMALL_CUAD) -> Path:
    """A CUAD folder holding only `names`, rows copied verbatim from master_clauses.csv."""
    csv.field_size_limit(sys.maxsize)
    (out / "full_contract_txt").mkdir(parents=True, exist_ok=True)
    with (cuad_dir / "master_clauses.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = [r for r in reader if str(Path(r["Filename"]).with_suffix(".txt")) in names]
    with (out / "master_clauses.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    for name in names:
        shutil.copy(cuad_dir / "full_contract_txt" / name, out / "full_contract_txt" / name)
    return out


@pytest.fixture
def small_cuad(cuad_dir, tmp_path) -> Path:
    return write_small_cuad(cuad_dir, tmp_path / "cuad")


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory) -> Path:
    """A byte-level BPE tokenizer trained on sample contract text, with a chat template."""
    from tests.annotation.tokenizer_factory import train_tokenizer

    root = Path(__file__).resolve().parents[2]
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "examples").rglob("*.txt"))]
    texts += [_prompt_text()]
    return train_tokenizer(texts, tmp_path_factory.mktemp("tokenizer"), vocab_size=1500)


def _prompt_text() -> str:
    from contracts.prompt import system_prompt

    return system_prompt()
