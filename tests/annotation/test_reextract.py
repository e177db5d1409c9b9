"""Moving stored contracts onto the current text extraction: every label, and every lawyer's explanation
rating that is provably the contract's, lands on the same words at its new offsets, a label or rating whose
words changed keeps its contract on the old text, and tenants stay apart."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from annotation.ratings import import_ratings
from annotation.store import Annotation, Contract, StoreConflict, add_annotation, get_or_create_contract, owned
from annotation.store.models import ExplanationRating
from annotation.store.reextract import Alignment, reextract
from contracts.documents import Document
from contracts.ingest import load_bytes
from lexrisk.cli import main

# the current reading of the file; the old one had a running footer in the middle of it
NEW = ("1. Term. This Agreement lasts five years from the Effective Date.\n"
       "2. Governing Law. This Agreement is governed by the laws of New York.\n"
       "3. Notices. Notices go to Acme Corp in writing.\n")
FOOTER = "Acme Corp - Confidential - Page 1 of 2\n"
OLD = NEW.replace("2. Governing", FOOTER + "2. Governing")
DIGEST = hashlib.sha256(NEW.encode()).hexdigest()
MOVED_QUOTES = ["This Agreement lasts five years", "governed by the laws of New York", "Acme Corp in writing"]


def _store_old(session, tenant: str, old: str = OLD, quotes: list[str] = MOVED_QUOTES,
               source_bytes: bytes | None = None) -> Contract:
    """`tenant`'s contract as the old reader stored it, labelled on `quotes` (each found once in `old`)."""
    contract = get_or_create_contract(session, tenant, Document.from_text("msa.txt", old, sha256=DIGEST), source_bytes)
    for quote in quotes:
        start = old.index(quote)
        add_annotation(session, contract, "alice", category="Governing Law", severity="info", start=start,
                       end=start + len(quote), quote=quote, source="test")
    return contract


def _labels(session, contract: Contract) -> list[tuple[int, int, str]]:
    rows = session.exec(select(Annotation).where(Annotation.contract_id == contract.id).order_by(Annotation.id)).all()
    return [(a.start, a.end, a.quote) for a in rows]


def test_labels_follow_their_words_onto_the_new_text(store):
    with store.session() as session:
        contract = _store_old(session, "firm-a")
        before = _labels(session, contract)
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        result = reextract(session, record, Document.from_text("msa.txt", NEW, sha256=DIGEST))
    assert result.migrated and result.moved == 3 and "moved 3 label(s)" in result.line()
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        assert record.text == NEW and record.chars == len(NEW)
        after = _labels(session, record)
        assert [q for _, _, q in after] == MOVED_QUOTES
        assert all(NEW[s:e] == q for s, e, q in after)
        assert after[0] == before[0] and after[1][0] == before[1][0] - len(FOOTER)  # before / after the footer
        # the re-import that was refused now finds the contract on the current text
        assert get_or_create_contract(session, "firm-a", Document.from_text("msa.txt", NEW, sha256=DIGEST)).id == record.id


def test_a_label_whose_words_changed_keeps_the_contract_on_its_old_text(store):
    across = "five years from the Effective Date.\n" + FOOTER + "2. Governing Law"  # the footer inside the label
    with store.session() as session:
        contract = _store_old(session, "firm-a", quotes=[*MOVED_QUOTES, across])
        before = _labels(session, contract)
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        result = reextract(session, record, Document.from_text("msa.txt", NEW, sha256=DIGEST))
    assert not result.migrated and result.moved == 0 and len(result.unplaced) == 1
    assert "kept on the old text because 1 label(s)" in result.line() and "five years from" in result.unplaced[0]
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        assert record.text == OLD and _labels(session, record) == before  # nothing moved, nothing lost


def test_a_label_on_removed_furniture_is_not_moved_onto_a_look_alike():
    """'Acme Corp' of the removed footer must not take the body's 'Acme Corp', which is its own label's place."""
    alignment = Alignment(OLD, NEW)
    on_footer = OLD.index("Acme Corp")
    in_body = OLD.index("Acme Corp in")
    assert alignment.place("Acme Corp", on_footer, on_footer + 9) is None
    assert alignment.place("Acme Corp", in_body, in_body + 9) == NEW.index("Acme Corp")


def test_the_refusal_names_the_fix(store):
    with store.session() as session:
        _store_old(session, "Smith & Partners")
    with store.session() as session, pytest.raises(StoreConflict, match="lexrisk annotate reextract --tenant 'Smith & Partners' FILE"):
        get_or_create_contract(session, "Smith & Partners", Document.from_text("msa.txt", NEW, sha256=DIGEST))


@pytest.fixture
def stored_file(tmp_path, sqlite_store):
    """A file whose current reading differs from what firm-a's store holds: (store URL, file)."""
    path = tmp_path / "msa.txt"
    path.write_bytes(NEW.encode())
    current = load_bytes(NEW.encode(), "msa.txt").text
    with sqlite_store.session() as session:
        _store_old(session, "firm-a", old=current.replace("2. Governing", FOOTER + "2. Governing"))
    return sqlite_store.url, path


def test_cli_moves_a_named_file_and_prints_one_line(stored_file, capsys):
    url, path = stored_file
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a"]) == 0  # no file stored: nothing to read
    assert capsys.readouterr().out.splitlines() == ["1 contract(s) of tenant firm-a hold only their text: "
                                                     "name their files to read them again"]
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["msa.txt: moved 3 label(s) onto the current text extraction"]
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a", str(path)]) == 0  # again: nothing to do
    assert capsys.readouterr().out.splitlines() == ["msa.txt: already on the current text extraction"]
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a"]) == 0  # the file is kept now
    assert "already on the current text extraction" in capsys.readouterr().out


def test_cli_keeps_an_unplaceable_contract_and_exits_zero(tmp_path, sqlite_store, capsys):
    data = NEW.encode()
    current = load_bytes(data, "msa.txt").text
    old = current.replace("2. Governing", FOOTER + "2. Governing")
    with sqlite_store.session() as session:
        _store_old(session, "firm-a", old=old, quotes=["Date.\n" + FOOTER + "2."], source_bytes=data)
    assert main(["annotate", "--db", sqlite_store.url, "reextract", "--tenant", "firm-a"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("msa.txt: kept on the old text because 1 label(s) could not be placed")
    with sqlite_store.session() as session:
        assert owned(session, Contract, "firm-a", sha256=DIGEST).text == old


def test_cli_cannot_move_another_tenants_contract(stored_file, capsys):
    url, path = stored_file
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-b", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "tenant firm-b holds no contract with the file" in captured.err
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a", str(path.with_name("gone.txt"))]) == 1
    assert "cannot read the file" in capsys.readouterr().err
    from annotation.store import Store

    with Store(url).session() as session:
        assert FOOTER in owned(session, Contract, "firm-a", sha256=DIGEST).text  # firm-a's text untouched


def test_cli_leaves_a_contract_the_service_analysed(stored_file, capsys):
    """The service's findings point into the stored text by offset: only the labels would move."""
    from annotation.store import Store, tenant_named
    from serving.models import Contract as ServiceContract

    url, path = stored_file
    with Store(url).session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        session.add(ServiceContract(tenant_id=tenant_named(session, "firm-a").id, record_id=record.id))
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a", str(path)]) == 0
    assert "kept on the old text because the service's contract" in capsys.readouterr().out


def _rate(session, contract: str, spans: list[tuple[int, int]], rater: str = "carol",
          explanation: str = "Clear and correct.") -> None:
    """`rater`'s scores of one explanation at each of `spans` of the contract named `contract`, stored as
    `lexrisk annotate rate` stores a sheet."""
    rows = [{"contract": contract, "category": "Governing Law", "start": str(start), "end": str(end),
             "explanation": explanation, "score": "4"} for start, end in spans]
    import_ratings(session, rows, rater)


def _ratings(session, contract: str) -> list[tuple[int, int]]:
    rows = session.exec(select(ExplanationRating).where(ExplanationRating.contract_name == contract)
                        .order_by(ExplanationRating.id)).all()
    return [(r.start, r.end) for r in rows]


def _span(text: str, quote: str) -> tuple[int, int]:
    return text.index(quote), text.index(quote) + len(quote)


def test_ratings_follow_their_words_and_another_tenants_stay(store):
    other = "Schedule A. Fees are due in thirty days.\n" * 4
    with store.session() as session:
        _store_old(session, "firm-a")
        get_or_create_contract(session, "firm-b", Document.from_text("fees.txt", other))
        _rate(session, "msa.txt", [_span(OLD, "This Agreement lasts"), _span(OLD, "laws of New York")])
        _rate(session, "fees.txt", [_span(OLD, "laws of New York")])  # firm-b's, at the same offsets
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        result = reextract(session, record, Document.from_text("msa.txt", NEW, sha256=DIGEST))
    assert result.migrated and result.ratings_moved == 2
    assert result.line() == "msa.txt: moved 3 label(s) and 2 explanation rating(s) onto the current text extraction"
    with store.session() as session:
        assert _ratings(session, "msa.txt") == [_span(NEW, "This Agreement lasts"), _span(NEW, "laws of New York")]
        assert _ratings(session, "fees.txt") == [_span(OLD, "laws of New York")]  # untouched


def test_ratings_under_a_name_another_tenant_holds_are_left_alone(store):
    """A rating names its contract only; when firm-b holds a contract of that name too it may be firm-b's,
    so firm-a's reextract moves none of them (and does not refuse on their account), and says so."""
    with store.session() as session:
        _store_old(session, "firm-a")
        _store_old(session, "firm-b", quotes=[])  # the same file, held by firm-b on the old text
        _rate(session, "msa.txt", [_span(OLD, "laws of New York")])
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        result = reextract(session, record, Document.from_text("msa.txt", NEW, sha256=DIGEST))
    assert result.migrated and result.moved == 3 and result.ratings_moved == 0 and result.ratings_left == 1
    assert result.line() == ("msa.txt: moved 3 label(s) onto the current text extraction; 1 explanation rating(s) "
                             "under the name 'msa.txt' left as they were, as that name is not this contract's "
                             "alone in the store")
    with store.session() as session:
        assert _ratings(session, "msa.txt") == [_span(OLD, "laws of New York")]
        assert owned(session, Contract, "firm-b", sha256=DIGEST).text == OLD


def test_a_rating_whose_words_changed_keeps_the_contract_on_its_old_text(store):
    across = _span(OLD, "Effective Date.\n" + FOOTER + "2. Governing")  # the footer inside the rated clause
    beyond = (len(OLD) - 5, len(OLD) + 20)  # rated on some other text than the one stored
    with store.session() as session:
        contract = _store_old(session, "firm-a")
        labels = _labels(session, contract)
        _rate(session, "msa.txt", [_span(OLD, "laws of New York"), across, beyond])
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        result = reextract(session, record, Document.from_text("msa.txt", NEW, sha256=DIGEST))
    assert not result.migrated and result.moved == 0 and result.ratings_moved == 0
    line = result.line()
    assert line.startswith("msa.txt: kept on the old text because 2 explanation rating(s) could not be placed (")
    assert f"at {across[0]}..{across[1]} 'Effective Date." in line
    assert f"at {beyond[0]}..{beyond[1]} beyond the text's {len(OLD)} characters" in line
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        assert record.text == OLD and _labels(session, record) == labels  # nothing moved, nothing lost
        assert _ratings(session, "msa.txt") == [_span(OLD, "laws of New York"), across, beyond]


def test_ratings_that_take_each_others_places_move(store):
    """One rater's score of one explanation at two places, the second's old place the first one's new one:
    the store's one-rating-per-place rule must not refuse the move half-way."""
    shift = len(FOOTER)
    first = OLD.index("laws of New York")
    second = first - shift  # still after the footer: both move back by `shift`
    assert second >= OLD.index("2. Governing")
    with store.session() as session:
        _store_old(session, "firm-a")
        _rate(session, "msa.txt", [(first, first + 10), (second, second + 10)])
    with store.session() as session:
        record = owned(session, Contract, "firm-a", sha256=DIGEST)
        result = reextract(session, record, Document.from_text("msa.txt", NEW, sha256=DIGEST))
    assert result.migrated and result.ratings_moved == 2
    with store.session() as session:
        assert _ratings(session, "msa.txt") == [(first - shift, first - shift + 10), (second - shift, second - shift + 10)]
        assert [NEW[s:e] for s, e in _ratings(session, "msa.txt")] == [OLD[first:first + 10], OLD[second:second + 10]]


def test_cli_moves_the_ratings_lawyers_stored(stored_file, tmp_path, capsys):
    url, path = stored_file
    from annotation.store import Store

    with Store(url).session() as session:
        old = owned(session, Contract, "firm-a", sha256=DIGEST).text
    start, end = _span(old, "laws of New York")
    sheet = tmp_path / "to_rate.csv"
    sheet.write_text(f"contract,category,start,end,explanation,score\nmsa.txt,Governing Law,{start},{end},NY law.,5\n")
    assert main(["annotate", "--db", url, "rate", str(sheet), "--rater", "carol"]) == 0
    capsys.readouterr()
    assert main(["annotate", "--db", url, "reextract", "--tenant", "firm-a", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "msa.txt: moved 3 label(s) and 1 explanation rating(s) onto the current text extraction"]
    with Store(url).session() as session:
        new = owned(session, Contract, "firm-a", sha256=DIGEST).text
        assert [new[s:e] for s, e in _ratings(session, "msa.txt")] == ["laws of New York"]
