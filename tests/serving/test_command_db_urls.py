"""A database URL that does not parse, names no installed driver, or puts a SQLite file under a file is the
user's to fix: `lexrisk keys`, `tenants` and `notices` end with one line and exit 2, where they used to end
in SQLAlchemy's traceback because the engine was made outside the guarded block."""

from __future__ import annotations

import pytest

from lexrisk.cli import main

pytestmark = pytest.mark.usefixtures("fresh_settings")


@pytest.mark.parametrize("argv", [["keys", "list"], ["tenants", "list"], ["notices"]])
@pytest.mark.parametrize(("url", "problem"), [
    ("bogus://x", "Can't load plugin"),
    ("notaurl", "Could not parse"),
    ("postgresql://u:secret@h:notaport/db", "invalid literal"),
    ("sqlite:///{file}/x.db", "File exists"),
])
def test_a_bad_database_url_is_one_line_and_exit_2(argv, url, problem, tmp_path, monkeypatch, capsys) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("LEXRISK_DATABASE_URL", url.format(file=a_file))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "secret" not in err, err
    if url.startswith("sqlite") and argv != ["notices"]:  # only reads the store: no file there, no store to read
        assert err == (f"lexrisk: error: no database at {a_file / 'x.db'}: this command works on an existing store "
                       "and does not create one (is the path right?)\n")
    else:
        assert err.startswith("lexrisk: error: cannot open the database at ") and problem in err, err


def test_db_option_is_checked_the_same_way(capsys) -> None:
    assert main(["tenants", "--db", "notaurl", "list"]) == 2
    assert capsys.readouterr().err == ("lexrisk: error: cannot open the database at notaurl: Could not parse "
                                       "SQLAlchemy URL from given URL string\n")
