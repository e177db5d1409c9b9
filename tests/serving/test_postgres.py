"""The same API on PostgreSQL (production's database), in a schema of its own that is dropped after."""

from __future__ import annotations

import pytest

from tests.serving.conftest import PG_URL, make_settings, open_api


@pytest.mark.postgres
def test_api_on_postgres(tmp_path, pg_schema: str) -> None:
    settings = make_settings(tmp_path, database_url=PG_URL)
    for api in open_api(settings, schema=pg_schema):
        accepted = api.upload().json()
        job = api.wait(accepted["job_id"])
        assert job["status"] == "done" and job["stats"]["ungrounded_dropped"] == 1
        findings = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h()).json()
        assert findings["count"] > 0
        reviewed = api.client.patch(f"/v1/findings/{findings['data'][0]['id']}", headers=api.h(),
                                    json={"action": "accept", "reviewer": "pg"})
        assert reviewed.status_code == 200
        assert api.upload().json()["reused"] is True
        # the contract's terms come in the same statement as the contract (a JSON column through the join)
        detail = api.client.get(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).json()
        terms = api.client.get(f"/v1/contracts/{accepted['contract_id']}/terms", headers=api.h()).json()
        assert detail["terms"] == terms["terms"] and detail["terms"]["parties"]
        assert api.client.get(f"/v1/contracts/{accepted['contract_id']}", headers=api.h("globex")).status_code == 404
        assert api.client.delete(f"/v1/contracts/{accepted['contract_id']}", headers=api.h()).status_code == 204
        assert api.client.get("/readyz").json()["checks"]["database"] == "ok"


def _count_thread_hops(monkeypatch) -> list[str]:
    """Every call to a worker thread from now on (Starlette and the service both go through anyio)."""
    import anyio.to_thread

    hops: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):
        hops.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return hops


@pytest.mark.postgres
def test_a_status_poll_is_answered_on_the_event_loop(tmp_path, pg_schema: str, monkeypatch) -> None:
    """On PostgreSQL (an async driver) a poll with a key the gate knows needs no worker thread: no
    hand-off to a thread and back, no wait for the interpreter behind other requests' threads."""
    settings = make_settings(tmp_path, database_url=PG_URL)
    for api in open_api(settings, schema=pg_schema):
        job_id = api.upload().json()["job_id"]
        assert api.wait(job_id)["status"] == "done"  # nothing else runs while hops are counted
        assert api.client.get(f"/v1/jobs/{job_id}", headers=api.h("globex")).status_code == 404  # key cached
        hops = _count_thread_hops(monkeypatch)
        polls = [api.client.get(f"/v1/jobs/{job_id}", headers=api.h()) for _ in range(3)]
        assert [p.json()["status"] for p in polls] == ["done"] * 3
        other = api.client.get(f"/v1/jobs/{job_id}", headers=api.h("globex"))
        assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
        listing = api.client.get("/v1/contracts", headers=api.h()).json()  # the dashboard's poll, too
        assert listing["count"] == 1 and listing["data"][0]["latest_job"]["id"] == job_id
        assert api.client.get("/v1/contracts", headers=api.h("globex")).json() == {"data": [], "count": 0}
        assert hops == []


def test_on_sqlite_a_status_poll_reads_on_a_worker_thread(tmp_path, monkeypatch) -> None:
    """SQLite's driver blocks, so there the job is read on a thread (one hop a poll), never on the loop."""
    for api in open_api(make_settings(tmp_path)):
        job_id = api.upload().json()["job_id"]
        assert api.wait(job_id)["status"] == "done"
        hops = _count_thread_hops(monkeypatch)
        assert api.client.get(f"/v1/jobs/{job_id}", headers=api.h()).json()["status"] == "done"
        assert api.client.get("/v1/contracts", headers=api.h()).json()["data"][0]["latest_job"]["id"] == job_id
        assert [hop.rsplit(".", 1)[-1] for hop in hops] == ["read_job", "read_page"]


@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # a loaded row's status is a str, as the ORM's
def test_a_poll_reads_the_job_the_orm_reads(tmp_path, pg_schema: str) -> None:
    """The poll's own read on psycopg's pool (serving/pg_reads.py) gives the same job, field for field
    and type for type, as the ORM, on a job with every column set; another tenant's id is not found."""
    from functools import partial

    from sqlalchemy import update
    from sqlmodel import Session

    from serving.errors import NotFound
    from serving.keys import tenant_for_key
    from serving.models import Job, JobStatus
    from serving.service import jobs

    settings = make_settings(tmp_path, database_url=PG_URL)
    for api in open_api(settings, schema=pg_schema):
        job_id = api.upload().json()["job_id"]
        assert api.wait(job_id)["status"] == "done"
        state = api.client.app.state
        with state.engine.begin() as connection:  # the columns a finished job leaves empty, set too
            connection.execute(update(Job).where(Job.id == job_id).values(
                template_id="t" * 32, callback_url="https://example.com/hook", error_code="analysis_failed",
                error="é\u2019 quoted", webhook_status="delivered", status=JobStatus.failed))
        tenant = tenant_for_key(state.engine, api.keys["acme"])
        assert tenant is not None
        with Session(state.engine) as session:
            orm = jobs.get(session, tenant_id=tenant.id, job_id=job_id)
        polled = api.client.portal.call(partial(jobs.status, tenant_id=tenant.id, job_id=job_id,
                                                reads=state.status_reads, engine=state.read_engine))
        expected = orm.model_dump()
        assert all(value is not None for value in expected.values())
        assert polled.model_dump() == expected
        assert {k: type(v) for k, v in polled.model_dump().items()} == {k: type(v) for k, v in expected.items()}
        with pytest.raises(NotFound):
            other = tenant_for_key(state.engine, api.keys["globex"])
            assert other is not None
            api.client.portal.call(partial(jobs.status, tenant_id=other.id, job_id=job_id, reads=state.status_reads,
                                           engine=state.read_engine))


@pytest.mark.postgres
def test_a_listing_on_the_pool_is_the_orms_listing(tmp_path, pg_schema: str) -> None:
    """`page_polled` on psycopg's pool against `page` through the ORM, page by page: the same contracts
    in the same order (newest first), each with the same latest job, and the same count."""
    from functools import partial

    from sqlmodel import Session

    from serving.keys import tenant_for_key
    from serving.service import contracts

    settings = make_settings(tmp_path, database_url=PG_URL)
    for api in open_api(settings, schema=pg_schema):
        for i in range(5):
            api.upload(data=f"{i}. The Customer shall not assign this Agreement.".encode(), name=f"c{i}.txt")
        api.upload(tenant="globex")
        state = api.client.app.state
        tenant = tenant_for_key(state.engine, api.keys["acme"])
        assert tenant is not None
        for offset, limit in ((0, 2), (2, 2), (4, 2), (0, 100), (9, 2)):
            with Session(state.engine) as session:
                orm, orm_count = contracts.page(session, tenant_id=tenant.id, offset=offset, limit=limit)
            pooled, count = api.client.portal.call(partial(contracts.page_polled, tenant_id=tenant.id, offset=offset,
                                                           limit=limit, reads=state.status_reads,
                                                           engine=state.read_engine))
            assert count == orm_count == 5
            def shown(page: list) -> list:  # the jobs may move on between the two reads: compare their ids
                return [(c.model_dump(exclude={"latest_job"}), c.latest_job and c.latest_job.id) for c in page]

            assert shown(pooled) == shown(orm)
            assert len(pooled) == min(limit, max(0, 5 - offset))
            assert all(c.latest_job is not None and c.name.startswith("c") for c in pooled)
