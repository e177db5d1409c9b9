"""The app's pages driven by Streamlit's AppTest against a real API process (tests/ui/conftest.py):
sign-in, upload -> findings -> a stored review, templates, an annotator's label, and readable errors."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from contracts.settings import clear_settings
from contracts.wire import FindingPublic
from tests.ui.conftest import ROOT, SAMPLES, LiveApi, free_port, lexrisk, read, wait_http
from ui.client import ADVICE
from ui.render import model_words, split_possible

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")


@pytest.fixture
def app_env(live_api: LiveApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    monkeypatch.setenv("LEXRISK_API_URL", live_api.url)
    clear_settings()
    yield live_api
    clear_settings()


def texts(at: AppTest) -> str:
    """Everything the page says, as a person reads it (Markdown's escapes, ui/plain.py, read as their marks)."""
    parts = [e.value for kind in ("markdown", "error", "warning", "info", "success", "caption", "title", "subheader")
             for e in getattr(at, kind)]
    return read("\n".join(str(p) for p in parts))


def signed_in(key: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input[0].input(key)
    at.text_input[1].input("A. Lawyer")
    at.button[0].click().run()
    if "lexrisk_session" in at.session_state:
        at.run()  # signed in: the navigation registers the pages' files, which switch_page looks up
        at.switch_page("pages/review.py").run()
    return at


def test_wrong_key_is_a_readable_message(app_env: LiveApi) -> None:
    at = signed_in("not-a-key")
    assert not at.exception
    assert "the API key is not valid" in texts(at)
    assert "lexrisk keys create" in texts(at)
    assert "sign out" not in texts(at).lower()  # nobody is signed in yet: the advice is about the key typed
    assert "lexrisk_session" not in at.session_state


def test_upload_findings_review_stored(app_env: LiveApi) -> None:
    at = signed_in(app_env.keys["acme"])
    assert at.title[0].value == "Review a contract"
    sample = SAMPLES / "master_services_agreement.txt"
    at.file_uploader[0].set_value((sample.name, sample.read_bytes(), "text/plain"))
    at.button[0].click().run()  # Analyze
    deadline = time.monotonic() + 60
    while "review_cache" not in at.session_state and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
    assert not at.exception, at.exception
    assert "master_services_agreement.txt" in texts(at)
    # the name escaped for Markdown, so that it reads as written (ui/plain.py)
    assert r"master\_services\_agreement\.txt" in [s.value for s in at.subheader]
    table = at.dataframe[0].value
    assert len(table) > 3 and set(table["Status"]) == {"To review"}
    # every quote is highlighted in the text pane, in its severity colour
    pane = at.get("html")[0].proto.body
    _, _, stored_findings = at.session_state["review_cache"]
    findings, possible = split_possible(stored_findings)
    assert possible and all(f.possible for f in possible)  # listed apart, under "Possible — check"
    assert pane.count('class="lx-mark') >= len({f.id for f in findings}) - 1
    # select the first risk (dataframe selection event), accept it with a comment
    key = at.dataframe[0].key
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    first = findings_sorted(findings)[0]
    assert "lx-selected" in at.get("html")[0].proto.body
    assert first.explanation in texts(at)
    assert first.model and f"found by {model_words(first.model)}" in texts(at)  # the model that produced it
    # no decision is made for the lawyer (a review is a training label): Save refuses until one is chosen
    decision = next(r for r in at.radio if r.label == "Decision")
    assert decision.value is None
    at.text_area[0].input("standard for us")
    at.button(key="FormSubmitter:review-" + first.id + "-Save review").click().run()
    assert not at.exception, at.exception
    assert "Choose a decision first" in texts(at)
    assert at.text_area[0].value == "standard for us"  # the comment typed is kept for the next try
    stored = httpx.get(f"{app_env.url}/v1/contracts/{first_contract(app_env)}/findings",
                       headers={"Authorization": f"Bearer {app_env.keys['acme']}"}).json()["data"]
    assert next(f for f in stored if f["id"] == first.id)["review"] is None
    next(r for r in at.radio if r.label == "Decision").set_value("Accept")
    at.button(key="FormSubmitter:review-" + first.id + "-Save review").click().run()
    assert not at.exception, at.exception
    stored = httpx.get(f"{app_env.url}/v1/contracts/{first_contract(app_env)}/findings",
                       headers={"Authorization": f"Bearer {app_env.keys['acme']}"}).json()["data"]
    reviewed = next(f for f in stored if f["id"] == first.id)["review"]
    assert reviewed["status"] == "accepted" and reviewed["comment"] == "standard for us"
    assert "Accepted" in set(at.dataframe[0].value["Status"])


def findings_sorted(findings):
    from ui.render import triage_order

    return triage_order(findings)


def first_contract(live: LiveApi) -> str:
    r = httpx.get(f"{live.url}/v1/contracts", headers={"Authorization": f"Bearer {live.keys['acme']}"})
    return next(c["id"] for c in r.json()["data"] if c["name"] == "master_services_agreement.txt")


def test_bad_file_is_a_readable_message(app_env: LiveApi) -> None:
    at = signed_in(app_env.keys["acme"])
    at.file_uploader[0].set_value(("scan.pdf", b"%PDF-1.7 this is not really a pdf", "application/pdf"))
    at.button[0].click().run()
    assert not at.exception
    shown = texts(at)
    assert "scan.pdf" in shown and "export it again" in shown.lower()
    # over the API's limit (1 MiB in these tests): refused with the limit named, nothing sent
    at.file_uploader[0].set_value(("big.txt", b"x" * (1024 * 1024 + 10), "text/plain"))
    at.button[0].click().run()
    assert "the limit is 1 MiB" in texts(at)


def test_template_upload_and_list(app_env: LiveApi) -> None:
    at = signed_in(app_env.keys["globex"])
    at.switch_page("pages/templates.py").run()
    sample = SAMPLES / "master_services_agreement.docx"
    at.file_uploader[0].set_value((sample.name, sample.read_bytes(), "application/octet-stream"))
    at.text_input[0].input("Standard MSA")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Added template “Standard MSA”" in texts(at)
    assert list(at.dataframe[0].value["Name"]) == ["Standard MSA"]
    # when it was added, as a person reads a date ("07 Dec 2026 13:28"), not a raw timestamp with its offset
    added = str(at.dataframe[0].value["Added"][0])
    assert re.fullmatch(r"\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", added), added


def test_annotation_saved(app_env: LiveApi) -> None:
    """The page applies the span picker's actions through the API (the picker itself, a browser component,
    is driven in tests/ui/test_annotate_browser.py): a drawn label, a rejected suggestion, my status."""
    headers = {"Authorization": f"Bearer {app_env.keys['globex']}"}
    sample = SAMPLES / "master_services_agreement.txt"
    accepted = httpx.post(f"{app_env.url}/v1/contracts", headers=headers,
                          files={"file": (sample.name, sample.read_bytes())}).json()
    cid = accepted["contract_id"]
    deadline = time.monotonic() + 60
    while httpx.get(f"{app_env.url}/v1/jobs/{accepted['job_id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    text = httpx.get(f"{app_env.url}/v1/contracts/{cid}/text", headers=headers).json()["text"]
    findings = httpx.get(f"{app_env.url}/v1/contracts/{cid}/findings", headers=headers).json()["data"]
    start = text.index("governed by")
    at = signed_in(app_env.keys["globex"])
    at.switch_page("pages/annotate.py").run()
    at.query_params["contract"] = cid  # the contract chosen in the queue (tests/ui/test_annotate_browser.py clicks)
    at.run()
    assert not at.exception, at.exception
    assert "from the model to go" in texts(at)
    at.session_state[f"picker-{cid}"] = {"seq": "1", "action": "save", "start": start, "end": start + 40,
                                         "category": "Governing Law", "severity": "low", "origin": "manual"}
    at.run()
    assert not at.exception, at.exception
    at.run()  # the same action shown again is not saved twice
    at.session_state[f"picker-{cid}"] = {"seq": "2", "action": "reject", "suggestion": findings[0]["id"]}
    at.run()
    assert not at.exception, at.exception
    labels = httpx.get(f"{app_env.url}/v1/contracts/{cid}/labels", headers=headers).json()
    assert [(x["annotator"], x["category"], x["start"], x["end"], x["origin"]) for x in labels["data"]] == [
        ("A. Lawyer", "Governing Law", start, start + 40, "manual")]
    finding = httpx.get(f"{app_env.url}/v1/contracts/{cid}/findings", headers=headers).json()["data"][0]
    assert finding["review"]["status"] == "rejected"
    # a second annotator's label on the same span: the page shows the pair's agreement as the API gives it
    second = {"annotator": "B. Lawyer", "category": "Governing Law", "severity": "medium", "start": start,
              "end": start + 40, "origin": "suggested_accepted"}
    assert httpx.post(f"{app_env.url}/v1/contracts/{cid}/labels", headers=headers, json=second).status_code == 201
    at.run()
    assert not at.exception, at.exception
    agreement = next(d.value for d in at.dataframe if "Annotators" in d.value.columns)
    assert agreement.to_dict("records") == [{"Annotators": "A. Lawyer | B. Lawyer", "Span F1": 1.0,
                                             "Matched spans": 1, "Same severity": 0.0}]

    # the two differ in severity: the adjudicator keeps A. Lawyer's label on the Disagreements page
    at.switch_page("pages/disagreements.py").run()
    assert not at.exception, at.exception
    assert "severity differs" in texts(at)
    # each label's origin in the Annotate page's words, not the API's codes (manual, suggested_accepted)
    assert list(at.dataframe[0].value["Origin"]) == ["Drawn", "Suggestion kept"]
    at.button[0].click().run()  # Keep this label (the first: A. Lawyer's)
    assert not at.exception, at.exception
    statuses = {x["annotator"]: x["status"] for x in httpx.get(f"{app_env.url}/v1/contracts/{cid}/labels",
                                                               headers=headers).json()["data"]}
    assert statuses == {"A. Lawyer": "accepted", "B. Lawyer": "rejected"}
    assert "No disagreements" in texts(at)
    assert [t.value for t in at.toast] == ["Recorded: 1 accepted, 1 rejected."]  # said by the run after the rerun


def test_compare_shows_what_the_api_answers_and_model_page(app_env: LiveApi) -> None:
    """Until the comparison API is installed it answers 501 and the page says so; once it is, the page
    shows its body (the counts per status below come from the API's own answer)."""
    headers = {"Authorization": f"Bearer {app_env.keys['globex']}"}
    sample = SAMPLES / "master_services_agreement.txt"
    cid = httpx.post(f"{app_env.url}/v1/contracts", headers=headers,
                     files={"file": (sample.name, sample.read_bytes())}).json()["contract_id"]
    tid = httpx.post(f"{app_env.url}/v1/templates", headers=headers,
                     files={"file": ("t.txt", sample.read_bytes())}).json()["id"]
    direct = httpx.post(f"{app_env.url}/v1/contracts/{cid}/compare", headers=headers,
                        json={"template_id": tid}, timeout=120)
    at = signed_in(app_env.keys["globex"])
    at.switch_page("pages/compare.py").run()
    assert at.selectbox[0].value.id == cid and at.selectbox[1].value.id == tid  # newest first
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert not at.error
    if direct.status_code == 501:
        assert "not available on this server yet" in texts(at)
    else:
        assert direct.status_code == 201, direct.text
        counts = Counter(p["status"] for p in direct.json()["pairs"])
        assert [m.value for m in at.metric] == [str(counts.get(s, 0)) for s in ("matched", "modified", "missing",
                                                                                 "extra")]
    at.switch_page("pages/model.py").run()
    assert not at.exception, at.exception
    assert "baseline" in texts(at)
    table = at.dataframe[0].value
    assert "baseline" in set(table["System"]) and table["F1"].between(0, 1).all()


@pytest.fixture
def download_names(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The file name of every download the pages offer, in the order drawn (Streamlit keeps it with the file,
    not in the button's element)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    names: list[str | None] = []
    add = MediaFileManager.add

    def recorded(self: MediaFileManager, *args: Any, file_name: str | None = None, **kwargs: Any) -> str:
        names.append(file_name)
        return add(self, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", recorded)
    return names


def test_export_offers_the_apis_files_and_the_comparisons(app_env: LiveApi, download_names: list[str | None]) -> None:
    """The Export page's files are the API's contract exports; a comparison adds its own downloads, each under
    a name of its own (the comparison's Word copy no longer saves over the contract's "Word with comments")."""
    headers = {"Authorization": f"Bearer {app_env.keys['globex']}"}
    sample = SAMPLES / "master_services_agreement.docx"
    accepted = httpx.post(f"{app_env.url}/v1/contracts", headers=headers,
                          files={"file": (sample.name, sample.read_bytes())}).json()
    cid = accepted["contract_id"]
    deadline = time.monotonic() + 60
    while httpx.get(f"{app_env.url}/v1/jobs/{accepted['job_id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    findings = httpx.get(f"{app_env.url}/v1/contracts/{cid}/findings", headers=headers).json()["data"]
    httpx.patch(f"{app_env.url}/v1/findings/{findings[0]['id']}", headers=headers,
                json={"action": "reject", "comment": "market standard"}).raise_for_status()

    at = signed_in(app_env.keys["globex"])
    at.session_state["review_contract"] = cid
    at.switch_page("pages/export.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox[0].value.id == cid
    assert [b.label for b in at.get("download_button")] == ["Word with comments", "Risks (CSV)", "Risks (Excel)",
                                                            "Report (web page)"]
    # risks counted as the Review page counts them, the possible passages to check said apart, and the files
    # hold exactly those risks (a CSV row each)
    stored = httpx.get(f"{app_env.url}/v1/contracts/{cid}/findings", headers=headers).json()["data"]
    risks, possible = split_possible([FindingPublic.model_validate(f) for f in stored])
    assert possible, "the sample has possible passages, which the count must leave out"
    assert f"**{len(risks)} risks**, 1 reviewed by you" in texts(at)
    assert f"**{len(possible)} possible passages** to check" in texts(at)
    exported = httpx.get(f"{app_env.url}/v1/contracts/{cid}/exports/findings.csv", headers=headers)
    assert sorted(r["id"] for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))) == \
        sorted(f.id for f in risks)
    assert "Compare the contract with one of your templates" in texts(at)
    # the client hands the page exactly the API's file
    from ui.client import Api, make_http

    with make_http(app_env.url) as http:
        client = Api(http, app_env.keys["globex"])
        for export in ("review.docx", "findings.csv", "findings.xlsx", "report.html"):
            direct = httpx.get(f"{app_env.url}/v1/contracts/{cid}/exports/{export}", headers=headers)
            assert direct.status_code == 200
            # Word and Excel files carry the time they were written (comment dates, zip entries), so two fetches
            # are compared by what they hold; the text formats byte for byte
            assert _content(export, client.contract_export(cid, export)) == _content(export, direct.content)
        assert "market standard" in client.contract_export(cid, "findings.csv").decode("utf-8-sig")

    # bytes of its own: the sample's bytes are the template an earlier test stored (the same bytes are one template)
    ours = (SAMPLES / "master_services_agreement.txt").read_bytes() + b"\n\nOur firm's form."
    tid = httpx.post(f"{app_env.url}/v1/templates", headers=headers, files={"file": ("ours.txt", ours)},
                     data={"name": "Our MSA"}).json()["id"]
    httpx.post(f"{app_env.url}/v1/contracts/{cid}/compare", headers=headers, json={"template_id": tid},
               timeout=120).raise_for_status()
    download_names.clear()
    at.run()
    assert not at.exception, at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels[:4] == ["Word with comments", "Risks (CSV)", "Risks (Excel)", "Report (web page)"]
    assert {"Redline (Word)", "Word with deviations", "Deviations (CSV)", "Deviations (Excel)"} <= set(labels[4:])
    assert "with your template “Our MSA”" in texts(at)
    names = dict(zip(labels, download_names, strict=True))
    stem = sample.name.rsplit(".", 1)[0]
    assert names["Word with comments"] == f"{stem}-review.docx"
    assert names["Word with deviations"] == f"{stem}-deviations.docx"
    assert len(set(names.values())) == len(names), names  # no two files saved under one name


def _content(name: str, data: bytes) -> object:
    """What a lawyer reads in an export: the text and comments of a DOCX, the cells of an XLSX, else the bytes."""

    if name.endswith(".docx"):
        import docx

        document = docx.Document(io.BytesIO(data))
        return ([p.text for p in document.paragraphs],
                [(c.author, c.text) for c in document.comments])
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    return data


def test_a_link_opens_its_contract_and_several_rows_are_decided_at_once(app_env: LiveApi) -> None:
    """Issue #28: `?contract=ID` opens that contract and stays in the address; two selected risks are
    rejected with one click (both stored); another firm's id reads as not found."""
    headers = {"Authorization": f"Bearer {app_env.keys['globex']}"}
    sample = SAMPLES / "master_services_agreement.docx"
    accepted = httpx.post(f"{app_env.url}/v1/contracts", headers=headers,
                          files={"file": (sample.name, sample.read_bytes())}).json()
    contract_id = accepted["contract_id"]
    deadline = time.monotonic() + 60
    while httpx.get(f"{app_env.url}/v1/jobs/{accepted['job_id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    at = signed_in(app_env.keys["globex"])
    at.query_params["contract"] = contract_id
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["contract"] == contract_id and sample.name in texts(at)
    _, _, stored = at.session_state["review_cache"]
    found, _ = split_possible(stored)
    chosen = findings_sorted(found)[:2]
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [0, 1], "columns": [], "cells": []}}
    at.run()
    next(b for b in at.button if b.label == "Reject 2").click().run()
    assert not at.exception, at.exception
    data = httpx.get(f"{app_env.url}/v1/contracts/{contract_id}/findings", headers=headers).json()["data"]
    assert {f["id"]: (f["review"] or {}).get("status") for f in data if f["id"] in {c.id for c in chosen}} == \
        {c.id: "rejected" for c in chosen}
    other = signed_in(app_env.keys["acme"])
    other.query_params["contract"] = contract_id
    other.run()
    assert "The contract of this link was not found." in texts(other)


def analyzed(url: str, headers: dict[str, str], sample: Path, *, extra: bytes = b"", name: str | None = None) -> str:
    """The sample uploaded and analysed through the API; its contract's id. `extra` bytes appended make it a
    contract of its own (the same bytes are one contract), uploaded as `name`."""
    accepted = httpx.post(f"{url}/v1/contracts", headers=headers,
                          files={"file": (name or sample.name, sample.read_bytes() + extra)}).json()
    deadline = time.monotonic() + 60
    while httpx.get(f"{url}/v1/jobs/{accepted['job_id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    return str(accepted["contract_id"])


def test_annotate_keeps_its_contract_in_the_address(app_env: LiveApi) -> None:
    """`/annotate?contract=ID` (a reload, a shared link, sign-in's way back) opens that contract's workspace with
    its queue row selected, and keeps it when the queue is re-sorted; listed only with my contracts, it stays open
    with a way back to the queue; an unknown, malformed or other firm's id is a message and leaves the address."""
    headers = {"Authorization": f"Bearer {app_env.keys['globex']}"}
    names = ["master_services_agreement.txt", "master_services_agreement.pdf"]
    ids = {name: analyzed(app_env.url, headers, SAMPLES / name) for name in names}
    at = signed_in(app_env.keys["globex"])
    at.switch_page("pages/annotate.py").run()
    for name in (*names, names[0]):
        at.query_params["contract"] = ids[name]
        at.run()
        assert not at.exception, at.exception
        assert _heads(at) == [name] and "from the model to go" in texts(at)
        assert _queue_choice(at) == name
    at.segmented_control(key="annotate_order").set_value("uncertainty").run()  # the rows re-sorted
    assert _heads(at) == [names[0]] and _queue_choice(at) == names[0]
    # the table keeps its selection by row number: a row that now holds the other contract is chosen again
    other_row = list(_queue(at)["Contract"]).index(names[1])
    at.session_state["queue"] = {"selection": {"rows": [other_row], "columns": [], "cells": []}}
    at.run()
    assert _heads(at) == [names[0]] and _queue_choice(at) == names[0]
    assert at.query_params["contract"] == ids[names[0]]

    at.query_params["contract"] = ids[names[1]]
    at.toggle(key="annotate_mine").set_value(True).run()  # none is mine: the queue lists nothing
    assert "it is not in the queue as listed" in texts(at) and _heads(at) == [names[1]]
    next(b for b in at.button if b.label == "Back to the queue").click().run()
    assert "contract" not in at.query_params and not at.subheader
    at.toggle(key="annotate_mine").set_value(False).run()

    # a contract assigned to two annotators has a row for each: the link opens mine, with my status
    for who, status in (("B. Lawyer", "to_label"), ("A. Lawyer", "in_review")):
        httpx.put(f"{app_env.url}/v1/annotation/queue/{ids[names[0]]}", headers=headers,
                  json={"annotator": who, "status": status}).raise_for_status()
    at.query_params["contract"] = ids[names[0]]
    at.run()
    row = _queue(at).iloc[at.session_state["queue"]["selection"]["rows"][0]]
    assert (row["Contract"], row["Assigned to"]) == (names[0], "A. Lawyer")
    assert at.segmented_control(key=f"status-{ids[names[0]]}").value == "in_review"

    for linked, said in (("0" * 32, "The contract of this link was not found."),
                         ("abc", "not an id the API returned")):
        at.query_params["contract"] = linked
        at.run()
        assert not at.exception, at.exception
        assert said in texts(at) and "contract" not in at.query_params and not at.subheader
        assert "Select a contract in the queue to label it." in texts(at) and _queue_choice(at) is None
    other = signed_in(app_env.keys["acme"])
    other.switch_page("pages/annotate.py")
    other.query_params["contract"] = ids[names[0]]
    other.run()
    assert "The contract of this link was not found." in texts(other) and not other.subheader


def test_annotate_pages_through_the_queue(app_env: LiveApi) -> None:
    """The queue comes a page at a time (it was the whole queue in one table): the pager says which rows of how
    many are shown and moves through them; the address's contract stays open on a page that does not list it;
    another order or page size starts at the first page; a page left past the end shows the last one. The page
    (and a size other than the smallest) is in the address beside the contract: a reload showed page 1."""
    key = lexrisk("keys", "create", "--tenant", "pager", env=app_env.env)
    headers = {"Authorization": f"Bearer {key}"}
    older, newer = (analyzed(app_env.url, headers, SAMPLES / name)
                    for name in ("master_services_agreement.pdf", "master_services_agreement.txt"))
    for i in range(26):  # a row each: with the newer contract's, 27 rows, 25 a page
        httpx.put(f"{app_env.url}/v1/annotation/queue/{older}", headers=headers,
                  json={"annotator": f"Annotator {i:02}"}).raise_for_status()
    at = signed_in(key)
    at.switch_page("pages/annotate.py")
    at.query_params["contract"] = newer
    at.run()
    assert not at.exception, at.exception
    assert "Rows 1–25 of 27 · page 1 of 2" in texts(at) and len(_queue(at)) == 25
    assert _queue_choice(at) == "master_services_agreement.txt"
    at.number_input(key="annotate_page").set_value(2).run()
    assert "Rows 26–27 of 27 · page 2 of 2" in texts(at)
    assert list(_queue(at)["Assigned to"]) == ["Annotator 24", "Annotator 25"]
    assert at.query_params == {"contract": newer, "page": "2"}
    _reload_shows_the_same_page(key, newer)
    # the linked contract is on page 1: still open, no row ticked here, and the progress is everyone's
    assert _heads(at) == ["master_services_agreement.txt"] and _queue_choice(at) is None
    assert "it is not on this page of the queue as listed" in texts(at)
    assert len(next(d.value for d in at.dataframe if "Assigned" in d.value.columns)) == 26
    at.segmented_control(key="annotate_order").set_value("uncertainty").run()
    assert "Rows 1–25 of 27 · page 1 of 2" in texts(at) and at.query_params == {"contract": newer}
    at.number_input(key="annotate_page").set_value(2).run()
    at.selectbox(key="annotate_page_size").set_value(50).run()
    assert "Rows 1–27 of 27 · page 1 of 1" in texts(at) and len(_queue(at)) == 27
    assert at.query_params == {"contract": newer, "page_size": "50"}
    assert _queue_choice(at) == "master_services_agreement.txt"
    at.selectbox(key="annotate_page_size").set_value(25).run()
    at.number_input(key="annotate_page").set_value(2).run()
    httpx.delete(f"{app_env.url}/v1/contracts/{older}", headers=headers).raise_for_status()  # 26 rows gone
    at.run()
    assert not at.exception, at.exception
    assert list(_queue(at)["Contract"]) == ["master_services_agreement.txt"] and "Rows" not in texts(at)
    assert _queue_choice(at) == "master_services_agreement.txt"


def _reload_shows_the_same_page(key: str, linked: str) -> None:
    """A new session on the address of the queue's page 2 (a reload, a shared link): that page, with the linked
    contract open; a page past the end is the last one, and what is no page or size the pager offers is the
    first page of 25, each written back to the address."""
    at = signed_in(key)
    at.switch_page("pages/annotate.py")
    at.query_params.update(contract=linked, page="2")
    at.run()
    assert not at.exception, at.exception
    assert "Rows 26–27 of 27 · page 2 of 2" in texts(at) and at.number_input(key="annotate_page").value == 2
    assert _heads(at) == ["master_services_agreement.txt"]
    for page, size, shown, address in (("9", None, "page 2 of 2", {"page": "2"}), ("9" * 40, None, "page 2 of 2",
                                       {"page": "2"}), ("0", None, "page 1 of 2", {}), ("x", "30", "page 1 of 2", {}),
                                       ("1", "50", "page 1 of 1", {"page_size": "50"})):
        at.query_params = {"contract": linked, "page": page, **({"page_size": size} if size else {})}
        at.run()
        assert not at.exception, at.exception
        assert shown in texts(at) and at.query_params == {"contract": linked, **address}, (page, size)


def _heads(at: AppTest) -> list[str]:
    """The page's subheaders as a person reads them (the workspace's head is the contract's name)."""
    return [read(h.value) for h in at.subheader]


def _queue_choice(at: AppTest) -> str | None:
    """The contract of the queue's selected row, as the page left the table's selection."""
    rows = at.session_state["queue"]["selection"]["rows"]
    return str(_queue(at)["Contract"][rows[0]]) if rows else None


def _queue(at: AppTest) -> Any:
    """The Annotate queue's table as drawn."""
    return next(d.value for d in at.dataframe if d.key == "queue")


@pytest.fixture
def admin_routes_off(live_api: LiveApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    """A second `lexrisk serve` on the live API's database (its keys work), without LEXRISK_ADMIN_TOKEN: the
    /admin routes answer 404, and the app talks to it."""
    env = {k: v for k, v in live_api.env.items() if k != "LEXRISK_ADMIN_TOKEN"}
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "lexrisk.cli", "serve", "--port", str(port), "--log-level",
                                "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz", process=process)
        monkeypatch.setenv("LEXRISK_API_URL", url)
        clear_settings()
        yield LiveApi(url, live_api.keys, env)
    finally:
        process.terminate()
        process.wait(timeout=20)
        clear_settings()


def _show_the_registry(at: AppTest, token: str) -> str:
    """The Model page's registry asked for with this administrator token; what the page then says."""
    at.switch_page("pages/model.py").run()
    next(t for t in at.text_input if t.label == "Administrator token").input(token)
    next(b for b in at.button if b.label == "Show the registry").click().run()
    assert not at.exception, at.exception
    return texts(at)


def test_the_registry_with_admin_routes_off_says_so(admin_routes_off: LiveApi) -> None:
    """With no LEXRISK_ADMIN_TOKEN on the API, any token gets the API's "admin routes are off" and what an
    administrator does about it, not the advice for a deleted contract."""
    shown = _show_the_registry(signed_in(admin_routes_off.keys["acme"]), "any-token")
    assert "admin routes are off (LEXRISK_ADMIN_TOKEN is unset)" in shown
    assert "runs without an administrator token" in shown and "sets LEXRISK_ADMIN_TOKEN for the API" in shown
    assert ADVICE["not_found"] not in shown


def test_a_wrong_administrator_token_is_named_as_such(app_env: LiveApi) -> None:
    """A token the API refuses reads as the administrator token being wrong, not as the firm's API key."""
    shown = _show_the_registry(signed_in(app_env.keys["acme"]), "not-the-admin-token")
    assert "This is not the API's administrator token" in shown
    assert ADVICE["unauthorized"] not in shown


def test_the_model_page_says_each_files_protocol_below_its_scores(app_env: LiveApi) -> None:
    """The evaluation table keeps to short columns that fit a 1280 px window; each result file's protocol and
    matching rule (long sentences a table cell cut off, out of sight at 1280 px) is a line below it, once a file."""
    at = signed_in(app_env.keys["acme"])
    at.switch_page("pages/model.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["In use", "System", "Precision", "Recall", "F1", "Held out", "File"]
    info = httpx.get(f"{app_env.url}/v1/model", headers={"Authorization": f"Bearer {app_env.keys['acme']}"}).json()
    shown = texts(at)
    assert info["evaluation"], "the server ships eval/results: the page has protocols to show"
    for e in info["evaluation"]:
        line = f"**{e['file']}**: {e['protocol'] or 'no protocol stated'}"
        line += f"; matching: {e['rule']}" if e["rule"] else ""
        assert shown.count(line) == 1, line


def test_the_model_page_lists_adapters_and_an_administrator_promotes_and_rolls_back(app_env: LiveApi,
                                                                                     tmp_path: Path) -> None:
    from tests.serving.test_registry import training_run
    from tests.ui.conftest import ADMIN_TOKEN, lexrisk

    for name, p, r in [("ui-first", 0.30, 0.20), ("ui-better", 0.32, 0.35)]:
        run, evaluation = training_run(tmp_path, name, p, r)
        lexrisk("models", "register", str(run), "--name", name, "--eval", str(evaluation), env=app_env.env)
    at = signed_in(app_env.keys["acme"])
    at.switch_page("pages/model.py").run()
    assert "Adapters in the registry" in [s.value for s in at.subheader]
    next(t for t in at.text_input if t.label == "Administrator token").input(ADMIN_TOKEN)
    next(b for b in at.button if b.label == "Show the registry").click().run()
    assert not at.exception, at.exception
    listed = at.dataframe[1].value
    assert {"ui-first", "ui-better"} <= set(listed["Adapter"]) and ADMIN_TOKEN not in texts(at)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def served() -> set[str]:
        rows = httpx.get(f"{app_env.url}/admin/models", headers=admin).json()["data"]
        return {v["name"] for v in rows if v["served"]}

    for name in ("ui-first", "ui-better"):
        next(s for s in at.selectbox if s.label == "Adapter").select(name)
        next(b for b in at.button if b.label == "Promote").click().run()
        assert not at.exception, at.exception
        assert served() == {name}
    next(b for b in at.button if b.label == "Roll back to the previous adapter").click().run()
    assert served() == {"ui-first"}
