"""Names to check on the Review page: a party the party ranker filled in (outside the preamble, right half the
time) shows "to check" until a lawyer keeps it or drops it; the list the lawyer saves is theirs."""

from __future__ import annotations

import time

import httpx

from tests.contracts.test_party_ranker import LETTER
from tests.ui.conftest import LiveApi, lexrisk, read
from tests.ui.test_app import app_env, signed_in  # noqa: F401 (app_env: the app's fixture, pointed at live_api)


def test_a_lawyer_keeps_or_drops_the_names_to_check(app_env: LiveApi) -> None:  # noqa: F811
    live_api = app_env
    key = lexrisk("keys", "create", "--tenant", "parties-check", env=live_api.env)  # a tenant of its own
    headers = {"Authorization": f"Bearer {key}"}
    job = httpx.post(f"{live_api.url}/v1/contracts", headers=headers, files={"file": ("letter.txt", LETTER)}).json()
    deadline = time.monotonic() + 60
    while httpx.get(f"{live_api.url}/v1/jobs/{job['job_id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    cid = job["contract_id"]
    at = signed_in(key)
    at.session_state["review_contract"] = cid
    at.run()
    assert not at.exception, at.exception
    labels = [read(b.label) for b in at.button if b.key and b.key.startswith(f"term-{cid}-parties-")]
    assert labels == ["Netzee, Inc. · to check", "THE BANKERS BANK · to check"]
    check = next(m for m in at.multiselect if m.label == "Which names to check are parties?")
    assert check.value == [0, 1]  # every name kept unless the lawyer drops it
    check.set_value([1])
    at.button(key=f"FormSubmitter:terms-parties-{cid}-Save the parties").click().run()
    assert not at.exception, at.exception
    stored = httpx.get(f"{live_api.url}/v1/contracts/{cid}/terms", headers=headers).json()["terms"]["parties"]
    assert [(p["name"], p["source"]) for p in stored] == [("THE BANKERS BANK", "lawyer")]
    labels = [read(b.label) for b in at.button if b.key and b.key.startswith(f"term-{cid}-parties-")]
    assert labels == ["THE BANKERS BANK ✎"]  # the lawyer's: no longer to check, and no form to ask
    assert not [m for m in at.multiselect if m.label == "Which names to check are parties?"]
