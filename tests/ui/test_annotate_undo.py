"""The Annotate page against a real API (AppTest): a saved label and a rejected suggestion are confirmed with
Undo, which takes each back, newest first; and the label makes the contract the annotator's in the queue."""

from __future__ import annotations

from typing import Any

import httpx
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import SAMPLES, LiveApi
from tests.ui.test_app import analyzed, app_env, signed_in, texts  # noqa: F401 (app_env: the app's fixture, pointed at live_api)


def _analyzed(live: LiveApi, headers: dict[str, str]) -> str:
    """A contract of its own (the sample with one more line: not the same file as other tests' uploads)."""
    return analyzed(live.url, headers, SAMPLES / "master_services_agreement.txt", extra=b"\nSchedule U. Undo.\n",
                    name="undo.txt")


def _undo(at: AppTest) -> Any:
    [button] = [b for b in at.button if b.label == "Undo"]
    return button


def _queue_row(at: AppTest) -> dict[str, Any]:
    table = next(d.value for d in at.dataframe if "Assigned to" in d.value.columns)
    return dict(table[table["Contract"] == "undo.txt"].iloc[0])


def test_undo_takes_back_the_rejection_then_the_label(app_env: LiveApi) -> None:  # noqa: F811
    """Enter, then n and x: a label and a rejection recorded at once, and nothing took either back."""
    headers = {"Authorization": f"Bearer {app_env.keys['acme']}"}
    cid = _analyzed(app_env, headers)
    text = httpx.get(f"{app_env.url}/v1/contracts/{cid}/text", headers=headers).json()["text"]
    finding = httpx.get(f"{app_env.url}/v1/contracts/{cid}/findings", headers=headers).json()["data"][0]
    start = text.index("governed by")
    at = signed_in(app_env.keys["acme"])
    at.switch_page("pages/annotate.py").run()
    at.query_params["contract"] = cid
    at.run()
    assert (_queue_row(at)["Assigned to"], _queue_row(at)["Status"]) == ("—", "Unassigned")
    # the confirmation's line is there before any action, so the text does not move when the first is saved
    [idle] = [b for b in at.button if b.label == "Nothing to undo"]
    assert idle.disabled and "Nothing saved on this contract yet in this session." in texts(at)
    at.session_state[f"picker-{cid}"] = {"seq": "1", "action": "save", "start": start, "end": start + 40,
                                         "category": "Governing Law", "severity": "low", "origin": "manual"}
    at.run()
    assert not at.exception, at.exception
    # the label made the contract mine, in the same run's queue and my status on it
    assert (_queue_row(at)["Assigned to"], _queue_row(at)["Status"]) == ("A. Lawyer", "To label")
    assert at.segmented_control(key=f"status-{cid}").value == "to_label"
    assert f"Saved “Governing Law” on characters {start}–{start + 40} (drawn)." in texts(at)
    at.session_state[f"picker-{cid}"] = {**at.session_state[f"picker-{cid}"], "seq": "1b"}  # Enter twice: one label
    at.run()
    at.session_state[f"picker-{cid}"] = {"seq": "2", "action": "reject", "suggestion": finding["id"]}
    at.run()
    assert f"Rejected the suggestion “{finding['category']}”." in texts(at)

    _undo(at).click().run()
    assert not at.exception, at.exception
    review = httpx.get(f"{app_env.url}/v1/contracts/{cid}/findings", headers=headers).json()["data"][0]["review"]
    assert review is None  # the suggestion is offered again
    assert "Saved “Governing Law”" in texts(at)  # the one before is offered next
    _undo(at).click().run()
    assert not at.exception, at.exception
    assert httpx.get(f"{app_env.url}/v1/contracts/{cid}/labels", headers=headers).json()["data"] == []
    assert not [b for b in at.button if b.label == "Undo"] and not at.error


def test_undo_of_a_label_adjudicated_meanwhile_says_why_not(app_env: LiveApi) -> None:  # noqa: F811
    headers = {"Authorization": f"Bearer {app_env.keys['globex']}"}
    cid = _analyzed(app_env, headers)
    at = signed_in(app_env.keys["globex"])
    at.switch_page("pages/annotate.py").run()
    at.query_params["contract"] = cid
    at.run()
    at.session_state[f"picker-{cid}"] = {"seq": "1", "action": "save", "start": 0, "end": 9,
                                         "category": "Document Name", "severity": "info", "origin": "manual"}
    at.run()
    [label] = httpx.get(f"{app_env.url}/v1/contracts/{cid}/labels", headers=headers).json()["data"]
    decided = httpx.post(f"{app_env.url}/v1/annotation/adjudications", headers=headers,
                         json={"adjudicator": "judge", "accept": [label["id"]]})
    assert decided.status_code == 200, decided.text
    _undo(at).click().run()
    assert not at.exception, at.exception
    assert "adjudicated (accepted)" in texts(at)
    assert not [b for b in at.button if b.label == "Undo"]  # it can never be taken back: no longer offered
