from __future__ import annotations

import json
import random

import pytest
from sklearn.metrics import cohen_kappa_score
from sqlmodel import select

from annotation.adjudication import accept_agreed, decide, disagreements, merge
from annotation.agreement import agreement, cohen_kappa, fleiss_kappa, match_spans
from annotation.store import Annotation, Contract, ReviewEvent, StoreError, add_annotation, get_or_create_contract
from contracts.documents import Document
from contracts.segment import segment_clauses
from lexrisk.cli import main

TEXT = ("1. Governing Law. This Agreement is governed by the laws of New York.\n"
        "2. Venue. Disputes go to the courts of New York County.\n"
        "3. Liability. Liability is capped at the fees paid.\n"
        "4. Assignment. Neither party may assign without consent.\n")


def test_cohen_kappa_textbook_case():
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa([1, 1], [1, 1]) is None


def test_fleiss_kappa_textbook_case():
    # Fleiss (1971) as worked in the literature: 10 subjects, 14 raters, 5 categories -> 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=1e-4)


def test_weighted_kappa_matches_a_reference_implementation():
    rng = random.Random(3)
    a = [rng.randrange(4) for _ in range(200)]
    b = [min(3, max(0, x + rng.choice([-1, 0, 0, 1]))) for x in a]
    for weights in (None, "linear", "quadratic"):
        assert cohen_kappa(a, b, 4, weights) == pytest.approx(cohen_kappa_score(a, b, weights=weights))
    assert cohen_kappa([0, 3], [3, 0], 4, "quadratic") == pytest.approx(-1.0)


def test_span_matching_is_one_to_one():
    assert match_spans([(0, 10), (20, 30)], [(1, 10), (0, 9), (50, 60)], 0.5) == [(0, 0)]
    assert match_spans([(0, 10)], [(8, 20)], 0.5) == []


def _span(clause: int) -> tuple[int, int]:
    c = [c for c in segment_clauses(TEXT)][clause]
    return c.start, c.end - 1  # without the line break


def _seed(session):
    contract = get_or_create_contract(session, "public", Document.from_text("msa.txt", TEXT))
    law, venue, cap, assign = (_span(i) for i in range(4))

    def label(who, category, span, severity):
        return add_annotation(session, contract, who, category=category, severity=severity, start=span[0],
                              end=span[1], source="test")

    ids = {
        "alice_law": label("alice", "Governing Law", law, "high"),
        "alice_venue": label("alice", "Governing Law", venue, "info"),
        "bob_law": label("bob", "Governing Law", (law[0], law[1] - 10), "medium"),
        "bob_cap": label("bob", "Cap on Liability", cap, "medium"),
        "alice_assign": label("alice", "Anti-Assignment", assign, "low"),
        "bob_assign": label("bob", "Anti-Assignment", assign, "low"),
    }
    return {k: v.id for k, v in ids.items()}


def test_agreement_on_a_hand_made_contract(store):
    assert len(segment_clauses(TEXT)) == 4
    with store.session() as session:
        _seed(session)
        figures = agreement(session, "public")
    law = figures["categories"]["Governing Law"]
    # clauses: alice [1,1,0,0], bob [1,0,0,0] -> Cohen 0.5; Fleiss rows [2,0],[1,1],[0,2],[0,2] -> 0.4667
    assert law["pairs"]["alice | bob"]["cohen_kappa"] == pytest.approx(0.5)
    assert law["fleiss_kappa"] == pytest.approx(0.4667, abs=1e-4)
    assert law["span_f1"] == pytest.approx(2 / 3, abs=1e-4)  # one match of 2 + 1 spans
    cap = figures["categories"]["Cap on Liability"]
    assert cap["cohen_kappa_mean"] == pytest.approx(0.0) and cap["span_f1"] == 0.0
    assign = figures["categories"]["Anti-Assignment"]
    assert assign["cohen_kappa_mean"] == pytest.approx(1.0) and assign["span_f1"] == 1.0
    # matched severities: (high, medium) and (low, low) -> quadratic-weighted kappa by hand
    assert figures["severity"]["matched_spans"] == 2
    assert figures["severity"]["weighted_kappa"] == pytest.approx(cohen_kappa_score([3, 1], [2, 1], weights="quadratic", labels=[0, 1, 2, 3]), abs=1e-4)


def test_adjudication_makes_gold_and_keeps_the_trail(store):
    with store.session() as session:
        ids = _seed(session)
        listed = disagreements(session, "public")
    reasons = {(d["category"], tuple(x["id"] for x in d["labels"])): d["reasons"] for d in listed}
    assert reasons[("Governing Law", (ids["alice_law"], ids["bob_law"]))] == [
        "offsets differ", "severity differs: alice high, bob medium"]
    assert reasons[("Governing Law", (ids["alice_venue"],))] == ["not labelled by bob"]
    assert ("Anti-Assignment", (ids["alice_assign"], ids["bob_assign"])) not in reasons  # agreed
    with store.session() as session:
        assert accept_agreed(session, "public", "carol") == 2
        assert decide(session, "public", "carol", accept=[ids["alice_law"]], reject=[ids["bob_cap"]],
                      comment="clause 1 as drafted") == {"accepted": 1, "rejected": 2}
    with store.session() as session:
        status = {a.id: a.status for a in session.exec(select(Annotation))}
        events = session.exec(select(ReviewEvent).where(ReviewEvent.kind == "adjudication")).all()
        remaining = disagreements(session, "public")
    assert status[ids["alice_law"]] == "accepted" and status[ids["bob_law"]] == "rejected"
    assert status[ids["bob_cap"]] == "rejected" and status[ids["alice_venue"]] == "pending"
    assert len(events) == 5 and all(e.reviewer_id for e in events)
    assert [d["labels"][0]["id"] for d in remaining] == [ids["alice_venue"]]


def test_agreement_and_adjudicate_commands(sqlite_store, tmp_path, capsys):
    url = str(sqlite_store.engine.url)
    assert main(["annotate", "--db", url, "agreement"]) == 2
    assert "no contract is labelled by two or more" in capsys.readouterr().err
    with sqlite_store.session() as session:
        ids = _seed(session)
    out = tmp_path / "agreement.json"
    assert main(["annotate", "--db", url, "agreement", "--json", str(out)]) == 0
    assert "Governing Law" in capsys.readouterr().out
    assert json.loads(out.read_text())["categories"]["Governing Law"]["fleiss_kappa"] == pytest.approx(0.4667, abs=1e-4)
    assert main(["annotate", "--db", url, "adjudicate", "--json", str(tmp_path / "d.json")]) == 0
    assert len(json.loads((tmp_path / "d.json").read_text())) == 3
    assert main(["annotate", "--db", url, "adjudicate", "--accept", str(ids["alice_law"])]) == 2
    assert "--reviewer" in capsys.readouterr().err
    assert main(["annotate", "--db", url, "adjudicate", "--reviewer", "carol", "--accept", "999"]) == 2
    assert "no annotation with id 999" in capsys.readouterr().err
    assert main(["annotate", "--db", url, "adjudicate", "--reviewer", "carol", "--accept-agreed"]) == 0
    assert "accepted 2 agreed labels" in capsys.readouterr().out


def test_origins_reported_and_a_merge_replaces_the_disagreeing_labels(store):
    with store.session() as session:
        ids = _seed(session)
        contract = session.exec(select(Contract)).one()
        bob = session.get(Annotation, ids["bob_law"])
        bob.origin = "suggested_accepted"
        session.add(bob)
        session.flush()
        figures = agreement(session, "public")
        assert figures["origins"] == {"alice": {"manual": 3}, "bob": {"manual": 2, "suggested_accepted": 1}}
        law = _span(0)
        merged, counts = merge(session, "public", "carol", contract, category="Governing Law", severity="high",
                               start=law[0], end=law[1], replaces=[ids["alice_law"], ids["bob_law"]], comment="union")
        assert counts == {"accepted": 1, "rejected": 2}
        # the adjudicator's span is the outcome, not a third annotator: agreement and the clusters ignore it
        assert agreement(session, "public")["annotators"] == ["alice", "bob"]
        decided = [d for d in disagreements(session, "public", include_decided=True) if d["decided"]]
        assert [x["id"] for x in decided[0]["labels"]] == [ids["alice_law"], ids["bob_law"]]
        status = {a.id: (a.status, a.source) for a in session.exec(select(Annotation))}
        assert status[merged] == ("accepted", "adjudication")
        assert status[ids["alice_law"]][0] == status[ids["bob_law"]][0] == "rejected"
        with pytest.raises(StoreError, match="no annotation with id 999"):
            merge(session, "public", "carol", contract, category="Governing Law", severity="high", start=0, end=5,
                  replaces=[999])


def _with_cuad(session) -> dict[str, int]:
    """CUAD's import (annotator kind `source`, accepted gold) and two lawyers on one contract: CUAD marks clause 1
    (as both lawyers do) and clause 3 (alone); the lawyers also agree, label for label, on clause 4, which CUAD
    left unmarked."""
    from annotation.store import get_or_create_annotator

    contract = get_or_create_contract(session, "public", Document.from_text("msa.txt", TEXT))
    cuad = get_or_create_annotator(session, "cuad", kind="source")
    law, _, cap, assign = (_span(i) for i in range(4))

    def label(who, category, span, severity, **kw):
        return add_annotation(session, contract, who, category=category, severity=severity, start=span[0],
                              end=span[1], **{"source": "test", **kw}).id

    return {
        "cuad_law": label(cuad, "Governing Law", law, "info", source="cuad", status="accepted"),
        "cuad_cap": label(cuad, "Cap on Liability", cap, "medium", source="cuad", status="accepted"),
        "alice_law": label("alice", "Governing Law", law, "info"),
        "bob_law": label("bob", "Governing Law", law, "info"),
        "alice_assign": label("alice", "Anti-Assignment", assign, "low"),
        "bob_assign": label("bob", "Anti-Assignment", assign, "low"),
    }


def test_a_source_import_is_no_annotator(store):
    """CUAD's gold labels are no vote: agreement names the people, a span only CUAD marked is no disagreement,
    and the spans both lawyers marked alike are agreed, whether CUAD marked them or not."""
    with store.session() as session:
        ids = _with_cuad(session)
        figures = agreement(session, "public")
        listed = disagreements(session, "public")
        assert figures["annotators"] == ["alice", "bob"] and set(figures["origins"]) == {"alice", "bob"}
        assert all(set(row["pairs"]) == {"alice | bob"} for row in figures["categories"].values())
        assert "Cap on Liability" not in figures["categories"]  # only CUAD used it
        assert listed == []
        assert accept_agreed(session, "public", "carol") == 4
        events = session.exec(select(ReviewEvent).where(ReviewEvent.kind == "adjudication")).all()
        assert sorted(e.annotation_id for e in events) == sorted(
            ids[k] for k in ("alice_law", "bob_law", "alice_assign", "bob_assign"))


def test_accept_agreed_counts_what_it_records(store):
    """A label already decided (accepted in a review) gets no second event, and the count printed is the events
    recorded; a second run records nothing."""
    from annotation.store import record_review

    with store.session() as session:
        ids = _seed(session)
        record_review(session, "public", ids["alice_assign"], "accepted", "partner")
        before = len(session.exec(select(ReviewEvent)).all())
        assert accept_agreed(session, "public", "carol") == 1
        recorded = session.exec(select(ReviewEvent).where(ReviewEvent.kind == "adjudication")).all()
        assert [e.annotation_id for e in recorded] == [ids["bob_assign"]]
        assert len(session.exec(select(ReviewEvent)).all()) == before + 1
        assert accept_agreed(session, "public", "carol") == 0


def test_agreement_and_adjudicate_commands_leave_cuad_out(sqlite_store, capsys):
    url = str(sqlite_store.engine.url)
    with sqlite_store.session() as session:
        _with_cuad(session)
    assert main(["annotate", "--db", url, "agreement"]) == 0
    out = capsys.readouterr().out
    assert "(alice, bob)" in out and "cuad" not in out
    assert main(["annotate", "--db", url, "adjudicate"]) == 0
    assert "0 undecided disagreements" in capsys.readouterr().out
    assert main(["annotate", "--db", url, "adjudicate", "--reviewer", "carol", "--accept-agreed"]) == 0
    assert "accepted 4 agreed labels" in capsys.readouterr().out
    assert main(["annotate", "--db", url, "adjudicate", "--reviewer", "carol", "--accept-agreed"]) == 0
    assert "accepted 0 agreed labels" in capsys.readouterr().out


def test_accepting_a_label_accepts_its_identical_twins(store):
    """alice and bob drew the same span with the same category and severity, dave another severity: accepting
    alice's accepts bob's (they say the same) and rejects dave's only."""
    with store.session() as session:
        contract = get_or_create_contract(session, "public", Document.from_text("msa.txt", TEXT))
        law = _span(0)
        ids = {who: add_annotation(session, contract, who, category="Governing Law", severity=severity,
                                   start=law[0], end=law[1], source="test").id
               for who, severity in (("alice", "high"), ("bob", "high"), ("dave", "medium"))}
        assert decide(session, "public", "carol", accept=[ids["alice"]]) == {"accepted": 2, "rejected": 1}
        status = {a.id: a.status for a in session.exec(select(Annotation))}
        assert (status[ids["alice"]], status[ids["bob"]], status[ids["dave"]]) == ("accepted", "accepted", "rejected")
        assert disagreements(session, "public") == []
        # deciding the same again records only what it changes: the explicit accept
        assert decide(session, "public", "carol", accept=[ids["bob"]]) == {"accepted": 1, "rejected": 0}
        # a twin named in --reject is rejected all the same
        assert decide(session, "public", "carol", accept=[ids["alice"]], reject=[ids["bob"]]) == \
            {"accepted": 1, "rejected": 1}
        assert session.get(Annotation, ids["bob"]).status == "rejected"
