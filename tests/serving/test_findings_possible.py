"""`possible` findings, passages to check (scored below the analyzer's threshold), are listed with the risks
found but counted apart: the job's `stats.findings` leaves them out, and `?possible=` picks either."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from analyzers.chunked import ChunkAnswer
from contracts.documents import Document
from tests.serving.conftest import PLUGINS, Api, make_settings, open_api
from tests.serving.fakes import KeywordAnalyzer

UNSURE = {"Audit Rights", "Anti-Assignment"}  # what this analyzer proposes as possible only


class HedgingAnalyzer(KeywordAnalyzer):
    """The keyword analyzer, with two of its categories below its threshold, as the baseline returns some."""

    name = "hedging"

    def propose_chunk(self, document: Document, chunk: object) -> ChunkAnswer:
        answer = super().propose_chunk(document, chunk)
        return replace(answer, proposals=[replace(p, possible=p.category in UNSURE) for p in answer.proposals])


def factory(settings, playbook):
    return HedgingAnalyzer(playbook)


@pytest.fixture
def hapi(tmp_path: Path) -> Iterator[Api]:
    yield from open_api(make_settings(tmp_path, analyzer="hedging",
                                      analyzer_plugins=PLUGINS | {"hedging": "tests.serving.test_findings_possible:factory"}))


def test_possible_filters_the_findings_as_the_jobs_stats_count_them(hapi: Api) -> None:
    """On the example PDF the job said `findings: 16` and the list `count: 25`, 9 of them `possible`, with
    nothing to ask for the 16: `?possible=false` lists the risks found, `?possible=true` the passages to check."""
    accepted = hapi.upload().json()
    job = hapi.wait(accepted["job_id"])
    assert job["status"] == "done", job
    url = f"/v1/contracts/{accepted['contract_id']}/findings"

    def listed(**params: str) -> dict:
        r = hapi.client.get(url, headers=hapi.h(), params=params)
        assert r.status_code == 200, r.text
        return r.json()

    everything, risks, to_check = listed(), listed(possible="false"), listed(possible="true")
    assert job["stats"]["findings"] > 0 and job["stats"]["possible"] > 0  # the sample has both kinds
    assert risks["count"] == job["stats"]["findings"] and not any(f["possible"] for f in risks["data"])
    assert to_check["count"] == job["stats"]["possible"] and all(f["possible"] for f in to_check["data"])
    assert {f["category"] for f in to_check["data"]} <= UNSURE
    assert everything["count"] == risks["count"] + to_check["count"]
    assert sorted(f["id"] for f in everything["data"]) == sorted(f["id"] for f in risks["data"] + to_check["data"])
    # it combines with the other filters, and a value that is no boolean is refused
    audit = listed(possible="true", category="Audit Rights")
    assert audit["count"] == sum(f["category"] == "Audit Rights" for f in to_check["data"])
    r = hapi.client.get(url, headers=hapi.h(), params={"possible": "maybe"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request" and "possible" in r.text
