"""Contracts a firm imports from Label Studio on the command line show in its annotation queue, with their labels,
as its uploads do: the import gave them only the label store's record, which the queue (the service's contracts)
never listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lexrisk.cli import main
from lexrisk.settings import Settings
from tests.serving.conftest import Api

TEXT = ("SUPPLY AGREEMENT\n1. Exclusivity. The Supplier shall sell the Products to no one else in the Territory.\n"
        "2. Governing Law. This Agreement is governed by the laws of Delaware.\n")
QUOTE = "This Agreement is governed by the laws of Delaware."


def _export(tmp_path: Path, name: str, text: str = TEXT) -> Path:
    start = text.index(QUOTE)
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": start, "end": start + len(QUOTE), "text": QUOTE, "labels": ["Governing Law"]}}
    task = {"id": 1, "data": {"text": text, "name": name},
            "annotations": [{"id": 1, "completed_by": {"email": "dana@firm.example"}, "result": [region]}]}
    path = tmp_path / f"export_{name}.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    return path


def _import(settings: Settings, path: Path, tenant: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["annotate", "--db", settings.database_url, "import-labelstudio", str(path), "--tenant", tenant]) == 0
    return capsys.readouterr().out


def _queue(api: Api, tenant: str = "acme") -> list[dict[str, Any]]:
    return list(api.client.get("/v1/annotation/queue", headers=api.h(tenant)).json()["data"])


def test_an_imported_contract_is_in_the_firms_queue_with_its_labels(api: Api, settings: Settings, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    uploaded = api.upload().json()
    api.wait(uploaded["job_id"])
    out = _import(settings, _export(tmp_path, "newcontract.txt"), "acme", capsys)
    rows = _queue(api)
    assert [(x["name"], x["annotator"], x["labels"]) for x in rows] == [
        ("newcontract.txt", None, 1), ("master_services_agreement.txt", None, 0)]
    assert "1 contract(s) in acme's annotation queue (the app's Annotate page), 1 of them added" in out
    cid = rows[0]["contract_id"]
    assert api.client.get(f"/v1/contracts/{cid}/text", headers=api.h()).json()["text"] == TEXT
    [label] = api.client.get(f"/v1/contracts/{cid}/labels", headers=api.h()).json()["data"]
    assert (label["annotator"], label["category"], label["quote"]) == ("dana@firm.example", "Governing Law", QUOTE)
    assert _queue(api, "globex") == []  # another firm's queue never holds it
    # imported again: the same contract, listed once
    out = _import(settings, _export(tmp_path, "newcontract.txt"), "acme", capsys)
    assert "0 of them added" in out and [x["contract_id"] for x in _queue(api)] == [cid, uploaded["contract_id"]]


def test_a_deleted_contract_does_not_come_back_and_public_has_no_queue(api: Api, settings: Settings, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    uploaded = api.upload().json()
    api.wait(uploaded["job_id"])
    cid = uploaded["contract_id"]
    labelled = api.client.post(f"/v1/contracts/{cid}/labels", headers=api.h(), json={
        "annotator": "dana", "category": "Governing Law", "severity": "low", "start": 0, "end": 9})
    assert labelled.status_code == 201
    assert api.client.delete(f"/v1/contracts/{cid}", headers=api.h()).status_code == 204  # its record stays
    _import(settings, _export(tmp_path, "other.txt", TEXT + "3. Notices. In writing.\n"), "acme", capsys)
    assert [x["name"] for x in _queue(api)] == ["other.txt"]
    out = _import(settings, _export(tmp_path, "public.txt"), "public", capsys)
    assert "public tenant is no firm" in out and "--tenant FIRM" in out
