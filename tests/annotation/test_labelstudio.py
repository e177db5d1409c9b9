from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
from sqlmodel import select

from analyzers import ANALYZERS
from analyzers.base import Analyzer, Proposal
from annotation.labelstudio import export_tasks, import_labelstudio, label_config
from annotation.report import ImportRecordError
from annotation.store import Annotation, Annotator, Contract, add_annotation, get_or_create_contract
from contracts.documents import Document
from lexrisk.cli import main

TEXT = ("MASTER SERVICES AGREEMENT\n1. Governing Law. This Agreement is governed by the laws of New York.\n"
        "2. Liability. In no event shall either party's liability exceed the fees paid.\n"
        "3. Assignment. Neither party may assign this Agreement without consent.\n")


PHRASES = {"governed by the laws of New York": "Governing Law", "liability exceed the fees paid": "Cap on Liability"}


class FakeAnalyzer(Analyzer):
    """Proposes fixed phrases wherever they occur, as a real backend would."""

    name, version = "fake", "1"

    def propose(self, document: Document) -> Iterable[Proposal]:
        for phrase, category in PHRASES.items():
            if phrase in document.text:
                yield Proposal(category=category, quote=phrase, score=0.8)


def fake_analyzer(settings, playbook):
    return FakeAnalyzer(playbook)


def _seed(session) -> Contract:
    contract = get_or_create_contract(session, "public", Document.from_text("msa.txt", TEXT), TEXT.encode())
    law = TEXT.index("This Agreement is governed")
    cap = TEXT.index("In no event")
    add_annotation(session, contract, "alice@firm.example", category="Governing Law", severity="info", start=law,
                   end=TEXT.index("\n", law), source="test", explanation="New York law.", origin="suggested_accepted")
    add_annotation(session, contract, "alice@firm.example", category="Cap on Liability", severity="medium",
                   start=cap, end=TEXT.index("\n", cap), source="test", explanation="Capped at fees.")
    add_annotation(session, contract, "bob@firm.example", category="Cap on Liability", severity="high",
                   start=cap, end=TEXT.index("\n", cap), source="test", origin="suggested_edited")
    return contract


def _labels(store) -> set[tuple]:
    with store.session() as session:
        names = {a.id: a.name for a in session.exec(select(Annotator))}
        shas = {c.id: c.sha256 for c in session.exec(select(Contract))}
        return {(shas[a.contract_id], names[a.annotator_id], a.category, a.severity, a.start, a.end, a.explanation,
                 a.origin) for a in session.exec(select(Annotation))}


def test_round_trip_keeps_every_label_and_annotator(store, sqlite_store, tmp_path):
    with store.session() as session:
        _seed(session)
        tasks = export_tasks(session, "public", with_annotations=True)
    origins = sorted(r["meta"]["origin"] for a in tasks[0]["annotations"] for r in a["result"] if r["type"] == "labels")
    assert origins == ["manual", "suggested_accepted", "suggested_edited"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    with sqlite_store.session() as session:  # into a second, empty store
        report = import_labelstudio(session, path, tenant="public")
    assert report.records_read == report.records_imported == 3 and report.contracts == 1
    assert _labels(sqlite_store) == _labels(store)
    with sqlite_store.session() as session:
        again = import_labelstudio(session, path, tenant="public")
    assert again.annotations_created == again.records_imported == 0 and len(_labels(sqlite_store)) == 3
    assert again.records_already_present == again.records_read == 3  # said, not a silent "imported 0"


def test_export_carries_analyzer_predictions_grounded_in_the_text(sqlite_store):
    with sqlite_store.session() as session:
        _seed(session)
        [task] = export_tasks(session, "public", analyze=FakeAnalyzer().analyze)
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "fake 1"
    labels = [r for r in prediction["result"] if r["type"] == "labels"]
    assert sorted(r["value"]["labels"][0] for r in labels) == ["Cap on Liability", "Governing Law"]
    for r in labels:
        v = r["value"]
        assert task["data"]["text"][v["start"]:v["end"]] == v["text"]
    severities = {r["id"]: r["value"]["choices"][0] for r in prediction["result"] if r["type"] == "choices"}
    assert set(severities) == {r["id"] for r in labels}


def test_label_config_lists_categories_and_severities():
    config = label_config()
    assert 'value="Cap on Liability"' in config and 'value="high"' in config and 'perRegion="true"' in config


def test_export_command_with_a_registered_analyzer(sqlite_store, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(ANALYZERS, "fake", f"{__name__}:fake_analyzer")
    with sqlite_store.session() as session:
        _seed(session)
    out = tmp_path / "tasks.json"
    url = str(sqlite_store.engine.url)
    assert main(["annotate", "--db", url, "export-labelstudio", "--out", str(out), "--analyzer", "fake",
                 "--config", str(tmp_path / "config.xml")]) == 0
    assert "2 pre-annotated spans" in capsys.readouterr().out
    assert json.loads(out.read_text())[0]["predictions"][0]["model_version"] == "fake 1"
    assert main(["annotate", "--db", url, "export-labelstudio", "--out", str(out), "--analyzer", "nope"]) == 2
    assert "unknown analyzer" in capsys.readouterr().err


def test_export_writes_the_config_into_a_folder_it_makes(sqlite_store, tmp_path, capsys):
    """`--config` in a folder not yet made used to fail with FileNotFoundError after the tasks were written."""
    config = tmp_path / "nodir" / "label.xml"
    assert main(["annotate", "--db", str(sqlite_store.engine.url), "export-labelstudio",
                 "--out", str(tmp_path / "tasks.json"), "--config", str(config)]) == 0
    assert config.read_text(encoding="utf-8") == label_config()


def _export_with(tmp_path, mutate) -> object:
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 9, "text": TEXT[:9], "labels": ["Document Name"]}}
    task = {"id": 7, "data": {"text": TEXT, "name": "msa.txt"},
            "annotations": [{"id": 3, "completed_by": 1, "result": [region]}]}
    good = {"id": 8, "data": {"text": TEXT + "more", "name": "other.txt"},
            "annotations": [{"id": 4, "completed_by": 1, "result": [json.loads(json.dumps(region))]}]}
    mutate(task, region)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([task, good]))
    return path


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda t, r: r["value"].update(labels=["Weather"]), "unknown category 'Weather'"),
    (lambda t, r: r["value"].update(start=0, end=10**6), "outside the text"),
    # the store's own span check and message (the importer's copy said 'outside the text' for these)
    (lambda t, r: r["value"].update(start=3, end=3), r"result r1: the span 3\.\.3 is empty: its end must come after"),
    (lambda t, r: r["value"].update(start=5, end=3), r"result r1: the span 5\.\.3 is reversed: its end must come after"),
    (lambda t, r: r["value"].update(text="something else"), "does not match"),
    (lambda t, r: r["value"].pop("start"), "no integer start/end"),
    (lambda t, r: t["data"].pop("text"), "data.text is missing"),
    (lambda t, r: r.update(meta={"origin": "guessed"}), "unknown origin 'guessed'"),
    # malformed exports that used to end in a traceback even with --skip-bad
    (lambda t, r: r.update(value=[1, 2]), "the region's value is not an object"),
    (lambda t, r: r["value"].update(labels=[123]), "the region's labels is not a list of strings"),
    (lambda t, r: r["value"].update(labels=[["x"]]), "the region's labels is not a list of strings"),
    (lambda t, r: r["value"].update(start=False, end=True), "no integer start/end"),
    (lambda t, r: t["annotations"][0]["result"].append({"id": "r1", "type": "choices", "value": ["high"]}),
     "the region's choices is not an object"),
    (lambda t, r: t["annotations"][0]["result"].append({"id": "r1", "type": "textarea", "value": {"text": [1]}}),
     "the region's textarea text is not a list of strings"),
    (lambda t, r: t["data"].update(contract_sha256=123), "data.contract_sha256 is not a SHA-256"),
    (lambda t, r: t["data"].update(text=TEXT + "\ud800"), "data.text is not valid Unicode"),
    (lambda t, r: t.update(annotations={"a": 1}), "'annotations' is not a list"),
    # NUL, which the API refuses in text (contracts.wire.TEXT_PATTERN), was stored (SQLite) or a traceback (PostgreSQL)
    (lambda t, r: t["data"].update(text=TEXT.replace("Governing", "Gover\x00ning")), r"data\.text holds a NUL character"),
    (lambda t, r: t["data"].update(name="msa\x00.txt"), r"data\.name holds a NUL character"),
    (lambda t, r: t["annotations"][0].update(completed_by={"email": "a\x00@firm.example"}),
     r"annotations\[0\]\.completed_by\.email holds a NUL character"),
    (lambda t, r: t["annotations"][0]["result"].append({"id": "r1", "type": "textarea", "value": {"text": ["a\x00"]}}),
     r"annotations\[0\]\.result\[1\]\.value\.text\[0\] holds a NUL character"),
    (lambda t, r: r.update(id="r\x001"), r"annotations\[0\]\.result\[0\]\.id holds a NUL character"),
])
def test_bad_task_names_file_task_and_result_and_imports_nothing(sqlite_store, tmp_path, mutate, message):
    path = _export_with(tmp_path, mutate)
    with pytest.raises(ImportRecordError, match=rf"bad.json task 7.*{message}"), sqlite_store.session() as session:
        import_labelstudio(session, path, tenant="public")
    assert _labels(sqlite_store) == set()
    with sqlite_store.session() as session:
        report = import_labelstudio(session, path, tenant="public", skip_bad=True)
    assert len(report.skipped) == 1 and report.records_imported == 1
    assert len(_labels(sqlite_store)) == 1


def test_malformed_tasks_are_one_line_each_and_skip_bad_skips_them(sqlite_store, tmp_path, capsys):
    def mutate(task, region):
        region["value"] = [1, 2]
        task["data"]["contract_sha256"] = 123

    path = _export_with(tmp_path, mutate)
    url = str(sqlite_store.engine.url)
    assert main(["annotate", "--db", url, "import-labelstudio", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "bad.json task 7: data.contract_sha256 is not a SHA-256" in err
    assert main(["annotate", "--db", url, "import-labelstudio", str(path), "--skip-bad"]) == 0
    assert "bad.json task 7: data.contract_sha256" in capsys.readouterr().out
    assert len(_labels(sqlite_store)) == 1


def test_a_nul_in_a_task_is_refused_on_either_database_and_skip_bad_skips_it(store, tmp_path):
    path = _export_with(tmp_path, lambda t, r: t["data"].update(text=TEXT.replace("Governing", "Gover\x00ning")))
    with pytest.raises(ImportRecordError, match=r"bad.json task 7: data\.text holds a NUL character \(\\x00\)"), \
            store.session() as session:
        import_labelstudio(session, path, tenant="public")
    with store.session() as session:
        report = import_labelstudio(session, path, tenant="public", skip_bad=True)
    assert report.contracts == 1 and report.records_imported == 1 and len(report.skipped) == 1
    assert all("\x00" not in label[1] for label in _labels(store)) and len(_labels(store)) == 1


def test_the_command_names_a_nul_in_one_line_and_skip_bad_skips_it(sqlite_store, tmp_path, capsys):
    path = _export_with(tmp_path, lambda t, r: t["data"].update(text=TEXT.replace("Governing", "Gover\x00ning")))
    url = str(sqlite_store.engine.url)
    assert main(["annotate", "--db", url, "import-labelstudio", str(path)]) == 2
    assert capsys.readouterr().err.strip() == ("lexrisk: error: bad.json task 7: data.text holds a NUL character "
                                               "(\\x00), which lexrisk does not accept in text (nothing imported; "
                                               "--skip-bad leaves out bad tasks)")
    assert main(["annotate", "--db", url, "import-labelstudio", str(path), "--skip-bad"]) == 0
    assert "bad.json task 7: data.text holds a NUL character" in capsys.readouterr().out
    assert len(_labels(sqlite_store)) == 1


def test_a_textarea_text_given_as_one_string_is_the_explanation(sqlite_store, tmp_path):
    """Label Studio writes a list of strings; a hand-made export's lone string used to be stored one
    character at a time ("j u s t   t e x t")."""
    def mutate(task, region):
        task["annotations"][0]["result"].append({"id": "r1", "type": "textarea", "value": {"text": "just text"}})

    path = _export_with(tmp_path, mutate)
    with sqlite_store.session() as session:
        import_labelstudio(session, path, tenant="public")
    assert "just text" in {label[6] for label in _labels(sqlite_store)}


@pytest.mark.parametrize(("body", "message"), [("{not json", "not valid JSON"), ('{"a": 1}', "expected a list")])
def test_malformed_file_is_one_line_error(sqlite_store, tmp_path, capsys, body, message):
    path = tmp_path / "export.json"
    path.write_text(body)
    assert main(["annotate", "--db", str(sqlite_store.engine.url), "import-labelstudio", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "export.json" in err and len(err.strip().splitlines()) == 1


def test_a_task_on_another_text_extraction_names_the_reextract_command(sqlite_store, tmp_path, capsys):
    """The refusal says what to do, as the store's own does: `lexrisk annotate reextract --tenant T FILE`."""
    tenant = "Smith & Partners"
    with sqlite_store.session() as session:
        get_or_create_contract(session, tenant, Document.from_text("msa.txt", TEXT))
        tasks = export_tasks(session, tenant)
    tasks[0]["data"]["text"] = TEXT.replace("1. Governing", "Page 1 of 2\n1. Governing")  # another reading
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    with pytest.raises(ImportRecordError, match="differs from the stored contract") as refused, \
            sqlite_store.session() as session:
        import_labelstudio(session, path, tenant=tenant)
    assert "`lexrisk annotate reextract --tenant 'Smith & Partners' FILE` moves the stored contract" in str(refused.value)
    assert main(["annotate", "--db", str(sqlite_store.engine.url), "import-labelstudio", str(path),
                 "--tenant", tenant]) == 2
    err = capsys.readouterr().err
    assert "lexrisk annotate reextract --tenant 'Smith & Partners' FILE" in err and "Traceback" not in err
