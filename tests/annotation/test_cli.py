from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from annotation.store import add_annotation, get_or_create_contract
from annotation.store.db import ALEMBIC_DIR
from contracts.documents import Document
from lexrisk.cli import main
from tests.conftest import REPO

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


@pytest.mark.parametrize("argv", [
    ["stats"], ["stats", "--json"], ["agreement"], ["adjudicate"],
    ["adjudicate", "--accept-agreed", "--reviewer", "carol"], ["export-labelstudio", "--out", "{tmp}/tasks.json"],
])
def test_an_unknown_tenant_is_one_line_and_exit_2(argv, tmp_path, capsys):
    """Each command that reads one tenant's labels refuses a tenant the store does not hold, as `tenants set`
    does, rather than print an empty report and exit 0."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["annotate", "--db", url, "migrate"]) == 0
    capsys.readouterr()
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["annotate", "--db", url, *argv, "--tenant", "nosuch"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("lexrisk: error: no tenant 'nosuch'; ") and captured.err.count("\n") == 1
    assert captured.out == "" and not (tmp_path / "tasks.json").exists()
    assert main(["annotate", "--db", url, *argv]) in (0, 2)  # public, which every store holds, is not refused
    assert "no tenant" not in capsys.readouterr().err


def test_the_missing_tenant_hint_is_a_command_to_paste(tmp_path, capsys):
    """`keys create --tenant Smith & Partners` pasted into a shell runs `lexrisk keys create --tenant Smith` in the
    background; the hint quotes the name."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["annotate", "--db", url, "migrate"]) == 0
    assert main(["tenants", "--db", url, "set", "Smith & Partners", "--share-labels", "on"]) == 2
    err = capsys.readouterr().err
    assert "`lexrisk keys create --tenant 'Smith & Partners'` makes one" in err and err.count("\n") == 1


def _doc_commands(page: str, *starts: str) -> list[str]:
    """The commands of a docs page's ```bash blocks that start with one of `starts`, their comments cut."""
    import re

    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    lines = [line for block in re.findall(r"```bash\n(.*?)```", text, re.S) for line in block.splitlines()]
    return [line.partition("  #")[0].strip() for line in lines if line.startswith(starts)]


def test_the_annotator_page_imports_cuads_train_side_and_makes_the_tenant_it_sets(small_cuad, tmp_path):
    """docs/annotator.md's commands, run as written from a folder of their own: CUAD comes from
    $LEXRISK_CUAD_DIR and only its train side reaches the store (dev stays held out), and the firm whose
    sharing is set exists first."""
    from annotation.store import Store
    from annotation.store.models import Contract, Tenant
    from contracts.cuad_split import is_dev
    from tests.annotation.conftest import SMALL_CUAD

    commands = _doc_commands("annotator.md", "lexrisk annotate import-cuad", "lexrisk keys create",
                             "lexrisk tenants set", "lexrisk annotate stats")
    assert [c.split()[1] for c in commands] == ["annotate", "keys", "tenants", "annotate"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lexrisk").write_text(f'#!/bin/sh\nexec {sys.executable} -m lexrisk "$@"\n')
    (bin_dir / "lexrisk").chmod(0o755)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "LEXRISK_DATABASE_URL": url, "LEXRISK_CUAD_DIR": str(small_cuad)}
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    from sqlmodel import select

    store = Store(url)
    with store.session() as session:
        names = {c.name for c in session.exec(select(Contract))}
        sharing = {t.name: t.share_labels for t in session.exec(select(Tenant))}
    store.dispose()
    assert names == {n for n in SMALL_CUAD if not is_dev(n)} and any(is_dev(n) for n in SMALL_CUAD)
    assert sharing["Smith & Partners"] is True


def test_the_ml_engineer_page_reads_cuad_from_the_setting():
    """`../shared/data/cuad` works from one folder only; the pages name the folder as README does."""
    for page in ("annotator.md", "ml-engineer.md"):
        commands = _doc_commands(page, "lexrisk")
        assert commands and not [c for c in commands if "shared/data/cuad" in c], page
        assert all("--split train" in c for c in commands if "annotate import-cuad" in c), page
    assert any('--data "$LEXRISK_CUAD_DIR"' in c for c in _doc_commands("ml-engineer.md", "lexrisk eval run"))


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "nonexist.json",
    lambda tmp: (tmp / "broken.json", (tmp / "broken.json").write_text("{not json"))[0],
])
def test_a_label_studio_file_that_cannot_be_read_gets_no_skip_bad_hint(make, tmp_path, capsys):
    """--skip-bad leaves out bad tasks; a file missing or not JSON has none to leave out."""
    path = make(tmp_path)
    assert main(["annotate", "--db", f"sqlite:///{tmp_path / 's.db'}", "import-labelstudio", str(path)]) == 2
    err = capsys.readouterr().err
    assert path.name in err and "--skip-bad" not in err and err.count("\n") == 1


def test_a_folder_that_is_not_cuad_gets_no_skip_bad_hint(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["annotate", "--db", url, "import-cuad", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a CUAD folder" in err and "--skip-bad" not in err
    (tmp_path / "full_contract_txt").mkdir()
    (tmp_path / "master_clauses.csv").write_text("Name,Agreement\nx,y\n")
    assert main(["annotate", "--db", url, "import-cuad", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no 'Filename' column" in err and "--skip-bad" not in err


def test_a_bad_task_still_names_skip_bad(tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 7, "data": {}}]))
    assert main(["annotate", "--db", f"sqlite:///{tmp_path / 's.db'}", "import-labelstudio", str(path)]) == 2
    assert "task 7" in (err := capsys.readouterr().err) and "--skip-bad leaves out bad tasks" in err


def test_importing_an_export_again_says_its_labels_are_already_present(sqlite_store, tmp_path, capsys):
    from annotation.labelstudio import export_tasks
    from tests.annotation.test_labelstudio import _seed

    with sqlite_store.session() as session:
        _seed(session)
        tasks = export_tasks(session, "public", with_annotations=True)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert main(["annotate", "--db", url, "import-labelstudio", str(path)]) == 0
    capsys.readouterr()
    assert main(["annotate", "--db", url, "import-labelstudio", str(path)]) == 0
    cells = [[c.strip() for c in line.split("│") if c.strip()] for line in capsys.readouterr().out.splitlines()]
    rows = {row[0]: row[1] for row in cells if len(row) == 2 and row[0].startswith("records")}
    assert rows == {"records read": "3", "records imported": "0", "records already present": "3"}
