"""`lexrisk annotate rate` on the sheets lawyers send back: a row with cells missing, offsets beyond what
the store holds, and a CSV Excel saved as "CSV UTF-8" (with a byte-order mark). The first two used to end
in a TypeError or SQLite's OverflowError traceback, the last in "missing column(s) contract" although the
column is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotation.ratings import MAX_OFFSET, lawyer_ratings
from annotation.store import Store
from lexrisk.cli import main

HEADER = "contract,category,start,end,explanation,score\n"


def _rate(tmp_path: Path, body: bytes) -> tuple[int, str]:
    sheet = tmp_path / "ratings.csv"
    sheet.write_bytes(body)
    code = main(["annotate", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "rate", str(sheet), "--rater", "X"])
    return code, str(sheet)


@pytest.mark.parametrize(("row", "message"), [
    ("a.txt,Cap on Liability\n", ""),  # cut short before the score: not rated yet
    (",,,,,4\n", "line 2: score, start and end must be integers"),
    (",,0,10,,4\n", "line 2: needs a contract and a category"),
    ("a.txt,Cap on Liability,99999999999999999999999,99999999999999999999999,why,4\n",
     f"line 2: offsets need 0 <= start <= end <= {MAX_OFFSET}"),
    ("a.txt,Cap on Liability,10,5,why,4\n", f"line 2: offsets need 0 <= start <= end <= {MAX_OFFSET}"),
])
def test_a_bad_row_is_one_line(row: str, message: str, tmp_path: Path, capsys) -> None:
    code, _ = _rate(tmp_path, (HEADER + row).encode())
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if not message:  # no score yet: not rated, nothing stored
        assert code == 0
        return
    assert code == 2 and err == f"lexrisk: error: {message}\n"


def test_a_short_row_with_a_score_reads_its_missing_cells_as_empty(tmp_path: Path, capsys) -> None:
    # columns in another order, the row cut after the score: contract and category are what is missing
    code, _ = _rate(tmp_path, b"score,start,end,contract,category,explanation\n4,0,10\n")
    assert code == 2
    assert capsys.readouterr().err == "lexrisk: error: line 2: needs a contract and a category\n"


def test_excel_csv_utf8_with_a_byte_order_mark(tmp_path: Path, capsys) -> None:
    body = (HEADER + "a.txt,Cap on Liability,0,10,Caps damages at fees paid.,4\n").encode("utf-8-sig")
    assert body.startswith(b"\xef\xbb\xbf")
    code, _ = _rate(tmp_path, body)
    assert code == 0, capsys.readouterr().err
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with store.session() as session:
        [rating] = lawyer_ratings(session)
    assert (rating.contract, rating.category, rating.start, rating.end, rating.score) == (
        "a.txt", "Cap on Liability", 0, 10, 4)
