from __future__ import annotations

import json
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from annotation.store import add_annotation, get_or_create_contract
from annotation.store.db import ALEMBIC_DIR
from contracts.documents import Document
from lexrisk.cli import main

# the newest revision of the one Alembic history (serving adds its tables after annotation's)
HEAD = ScriptDirectory(str(ALEMBIC_DIR)).get_current_head()

COMMANDS = ["migrate", "import-cuad", "import-labelstudio", "export-labelstudio", "agreement", "adjudicate",
            "build-dataset", "stats", "reextract"]


@pytest.mark.parametrize("command", [[], *[[c] for c in COMMANDS]])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["annotate", *command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: lexrisk annotate" in capsys.readouterr().out


def test_models_import_without_side_effects():
    """serving imports the tables; that must open nothing and pull in neither alembic nor transformers."""
    code = ("import sys, annotation.store.models as m; "
            "assert 'alembic' not in sys.modules and 'transformers' not in sys.modules; print(sorted(m.SQLModel.metadata.tables))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "annotation" in out and "review_event" in out


def test_migrate_and_stats(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'fresh' / 'store.db'}"
    assert main(["annotate", "--db", url, "migrate"]) == 0
    assert f"revision {HEAD}" in capsys.readouterr().out
    from annotation.store import Store

    store = Store(url)
    with store.session() as session:
        contract = get_or_create_contract(session, "public", Document.from_text("a.txt", "Governed by New York law."))
        add_annotation(session, contract, "alice", category="Governing Law", severity="info", start=0, end=9,
                       source="test")
    assert main(["annotate", "--db", url, "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["contracts"] == 1 and stats["by_annotator"] == {"alice": 1}
    assert stats["by_category"] == {"Governing Law": 1} and stats["by_status"] == {"pending": 1}
    with store.session() as session:  # a name that looks like rich markup ("[/i]" made the table a crash)
        add_annotation(session, contract, "[/counsel]", category="Governing Law", severity="info", start=0, end=9,
                       source="test")
    assert main(["annotate", "--db", url, "stats"]) == 0
    out = capsys.readouterr().out
    assert "by category" in out and "[/counsel]" in out


def test_unreachable_store_is_a_one_line_error(capsys):
    assert main(["annotate", "--db", "postgresql://nobody@127.0.0.1:1/none", "stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lexrisk: error: cannot open the store") and len(err.strip().splitlines()) == 1


def test_a_store_that_cannot_be_made_is_one_line_without_its_password(tmp_path, capsys):
    """A SQLite file under a file was an OSError traceback; the store's URL was shown with its password."""
    under_a_file = tmp_path / "plain.txt"
    under_a_file.write_text("x")
    assert main(["annotate", "--db", f"sqlite:///{under_a_file}/store.db", "migrate"]) == 2  # it would make one
    err = capsys.readouterr().err
    assert err.startswith("lexrisk: error: cannot open the store") and len(err.strip().splitlines()) == 1
    assert main(["annotate", "--db", "postgresql://lawyer:s3cret@127.0.0.1:1/none", "stats"]) == 2
    err = capsys.readouterr().err
    assert "cannot open the store" in err and "s3cret" not in err


def test_store_comes_from_the_database_url_setting(tmp_path, monkeypatch, capsys):
    from contracts.settings import clear_settings

    target = tmp_path / "from-env.db"
    monkeypatch.setenv("LEXRISK_DATABASE_URL", f"sqlite:///{target}")
    clear_settings()
    try:
        assert main(["annotate", "migrate"]) == 0
    finally:
        clear_settings()
    assert target.is_file() and f"revision {HEAD}" in capsys.readouterr().out
