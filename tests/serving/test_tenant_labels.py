"""Tenant walls in the label store: two firms review the same file; neither sees the other's contract,
labels or dataset rows through the API, the CLI or build-dataset; a firm's reviews become training data
only once it opts in; a store conflict is a 409. On SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from annotation.store import Annotation, Contract, DatasetVersion, ReviewEvent
from contracts.documents import Document
from lexrisk.cli import main
from serving.db import make_engine
from tests.serving.conftest import PG_URL, SAMPLES, Api, make_settings, open_api

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def tenant_api(request, tmp_path) -> Iterator[tuple[Api, str]]:
    """The API with tenants acme and globex, and a database URL the CLI can open (on PostgreSQL the
    test's own schema travels in the URL)."""
    if request.param == "sqlite":
        settings = make_settings(tmp_path)
        for api in open_api(settings):
            yield api, settings.database_url
        return
    schema = request.getfixturevalue("pg_schema")
    settings = make_settings(tmp_path, database_url=PG_URL)
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    for api in open_api(settings, schema=schema):
        yield api, url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory) -> Path:
    from contracts.prompt import system_prompt
    from tests.annotation.tokenizer_factory import train_tokenizer

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*.txt"))] + [system_prompt()]
    return train_tokenizer(texts, tmp_path_factory.mktemp("tokenizer"), vocab_size=1500)


def _review_first(api: Api, tenant: str, category: str, action: str, reviewer: str) -> dict:
    accepted = api.upload(tenant=tenant).json()
    api.wait(accepted["job_id"], tenant=tenant)
    url = f"/v1/contracts/{accepted['contract_id']}/findings"
    finding = next(f for f in api.client.get(url, headers=api.h(tenant)).json()["data"] if f["category"] == category)
    response = api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h(tenant),
                                json={"action": action, "reviewer": reviewer})
    assert response.status_code == 200, response.text
    return {"contract_id": accepted["contract_id"], "finding": finding}


def _cli_json(capsys, argv: list[str]):
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _build(url: str, tokenizer: Path, out: Path, *tenants: str) -> int:
    argv = ["annotate", "--db", url, "build-dataset", "--tokenizer", str(tokenizer), "--max-length", "4096",
            "--out", str(out), "--negatives", "0"]
    for name in tenants:
        argv += ["--tenant", name]
    return main(argv)


def _answered(out: Path) -> set[str]:
    """The categories in the dataset's assistant answers (the system prompt names every category)."""
    rows = [json.loads(line) for s in ("train", "dev", "test")
            for line in (out / f"{s}.jsonl").read_text(encoding="utf-8").splitlines()]
    return {item["category"] for row in rows for item in json.loads(row["messages"][2]["content"])}


def test_two_tenants_review_the_same_file(tenant_api, tokenizer, tmp_path, capsys) -> None:
    api, url = tenant_api
    acme = _review_first(api, "acme", "Exclusivity", "accept", "Acme Lawyer")
    globex = _review_first(api, "globex", "Audit Rights", "accept", "Globex Lawyer")

    # the same bytes are two contracts in the store, each with its tenant's labels only
    engine = make_engine(url)
    with Session(engine) as session:
        contracts = {c.tenant: c for c in session.exec(select(Contract))}
        labels = {(a.tenant, a.category, a.contract_id) for a in session.exec(select(Annotation))}
        events = {(e.tenant, e.annotation_id) for e in session.exec(select(ReviewEvent))}
        annotation_tenant = {a.id: a.tenant for a in session.exec(select(Annotation))}
    assert set(contracts) == {"acme", "globex"}
    assert contracts["acme"].sha256 == contracts["globex"].sha256 and contracts["acme"].id != contracts["globex"].id
    assert labels == {("acme", "Exclusivity", contracts["acme"].id), ("globex", "Audit Rights", contracts["globex"].id)}
    assert all(annotation_tenant[aid] == tenant for tenant, aid in events)

    # API: neither tenant reaches the other's contract or finding
    assert api.client.get(f"/v1/contracts/{acme['contract_id']}", headers=api.h("globex")).status_code == 404
    other = api.client.patch(f"/v1/findings/{acme['finding']['id']}", headers=api.h("globex"), json={"action": "reject"})
    assert other.status_code == 404
    assert globex["contract_id"] != acme["contract_id"]

    # CLI: stats and Label Studio export of one tenant show its labels only
    stats = _cli_json(capsys, ["annotate", "--db", url, "stats", "--tenant", "acme", "--json"])
    assert (stats["contracts"], stats["annotations"], stats["by_category"]) == (1, 1, {"Exclusivity": 1})
    assert "Globex Lawyer" not in stats["by_annotator"]
    export = tmp_path / "acme-tasks.json"
    assert main(["annotate", "--db", url, "export-labelstudio", "--tenant", "acme", "--with-annotations",
                 "--out", str(export)]) == 0
    capsys.readouterr()
    [task] = json.loads(export.read_text())
    categories = {r["value"]["labels"][0] for a in task["annotations"] for r in a["result"] if r["type"] == "labels"}
    assert categories == {"Exclusivity"}
    listed = {row["name"]: row for row in _cli_json(capsys, ["tenants", "--db", url, "list", "--json"])}
    assert {n: (r["share_labels"], r["contracts"], r["labels"]) for n, r in listed.items()} == {
        "acme": (False, 1, 1), "globex": (False, 1, 1), "public": (True, 0, 0)}

    # build-dataset: nobody has opted in, so there is nothing to build from
    assert _build(url, tokenizer, tmp_path / "none") == 2
    assert "no accepted (gold) labels of public" in capsys.readouterr().err
    assert _build(url, tokenizer, tmp_path / "refused", "globex") == 2
    assert "globex: the tenant has not opted in" in capsys.readouterr().err

    # acme opts in: its label, and only its, becomes training data
    assert main(["tenants", "--db", url, "set", "acme", "--share-labels", "on"]) == 0
    capsys.readouterr()
    assert _build(url, tokenizer, tmp_path / "acme") == 0
    card = json.loads((tmp_path / "acme" / "dataset_card.json").read_text())
    assert card["tenants"] == ["acme", "public"]
    acme_version = card["dataset_version"]
    assert _answered(tmp_path / "acme") == {"Exclusivity"}
    with Session(engine) as session:
        version = session.get(DatasetVersion, card["dataset_version"])
        assert version is not None and version.tenants == ["acme", "public"]
        assert {annotation_tenant[i] for i in version.annotation_ids} == {"acme"}

    # globex opts in too: asking for it alone gives its label alone
    assert main(["tenants", "--db", url, "set", "globex", "--share-labels", "on"]) == 0
    assert _build(url, tokenizer, tmp_path / "globex", "globex") == 0
    card = json.loads((tmp_path / "globex" / "dataset_card.json").read_text())
    assert card["tenants"] == ["globex"] and _answered(tmp_path / "globex") == {"Audit Rights"}
    capsys.readouterr()
    # each tenant's stats know only the dataset rows holding its labels
    for tenant, version in (("acme", acme_version), ("globex", card["dataset_version"])):
        stats = _cli_json(capsys, ["annotate", "--db", url, "stats", "--tenant", tenant, "--json"])
        assert (stats["dataset_versions"], stats["latest_dataset_version"]) == (1, version), tenant
    # and opting out again takes it out of the next build
    assert main(["tenants", "--db", url, "set", "globex", "--share-labels", "off"]) == 0
    assert _build(url, tokenizer, tmp_path / "out-again", "globex") == 2
    engine.dispose()


def test_a_file_the_store_holds_keeps_its_text_and_its_labels_offsets(tenant_api) -> None:
    """A contract is one record: a file the tenant's label store already holds (imported with an older text
    extraction) is not read again on upload. The contract is that record, its analysis reads the record's
    text, a review's label lands on it with offsets into that text, and the file is kept once, on it.
    Another tenant uploading the same bytes gets its own record, read from the file."""
    from annotation.store import get_or_create_contract
    from serving.models import Contract as ServiceContract

    api, url = tenant_api
    data = (SAMPLES / "master_services_agreement.txt").read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    older = Document.from_text("msa.txt", "An older extraction of the same file. The Supplier may audit the "
                               "Customer's records once a year.", sha256=sha256)
    engine = make_engine(url)
    with Session(engine) as session:
        record_id = get_or_create_contract(session, "acme", older).id
        session.commit()
    accepted = api.upload(tenant="acme").json()
    assert api.wait(accepted["job_id"], tenant="acme")["status"] == "done"
    shown = api.client.get(f"/v1/contracts/{accepted['contract_id']}/text", headers=api.h("acme")).json()
    assert shown["text"] == older.text
    finding = api.client.get(f"/v1/contracts/{accepted['contract_id']}/findings", headers=api.h("acme")).json()["data"][0]
    assert older.text[finding["start"]:finding["end"]] == finding["quote"]
    response = api.client.patch(f"/v1/findings/{finding['id']}", headers=api.h("acme"), json={"action": "accept"})
    assert response.status_code == 200, response.text
    with Session(engine) as session:
        records = session.exec(select(Contract).where(Contract.sha256 == sha256)).all()
        assert [(r.id, r.tenant, r.source_bytes) for r in records if r.tenant == "acme"] == [(record_id, "acme", data)]
        assert session.get(ServiceContract, accepted["contract_id"]).record_id == record_id
        (label,) = session.exec(select(Annotation).where(Annotation.tenant == "acme")).all()
        assert (label.contract_id, label.start, label.end) == (record_id, finding["start"], finding["end"])
    globex = _review_first(api, "globex", "Governing Law", "accept", "G")
    assert globex["finding"]["quote"] in data.decode()
    with Session(engine) as session:
        theirs = session.exec(select(Contract).where(Contract.tenant == "globex")).one()
        assert theirs.id != record_id and theirs.text != older.text and theirs.source_bytes == data
    engine.dispose()


def test_a_review_that_races_another_is_retried(tenant_api, monkeypatch) -> None:
    """Two reviews of a file new to the label store at once: the second one's lookup ran before the
    first one's commit, so its insert hits the unique key; its transaction is run again and succeeds."""
    from annotation.store import repository

    api, url = tenant_api
    accepted = api.upload(tenant="acme").json()
    api.wait(accepted["job_id"], tenant="acme")
    url_findings = f"/v1/contracts/{accepted['contract_id']}/findings"
    first, second = api.client.get(url_findings, headers=api.h("acme")).json()["data"][:2]
    assert api.client.patch(f"/v1/findings/{first['id']}", headers=api.h("acme"),
                            json={"action": "accept"}).status_code == 200
    real_owned, stale = repository.owned, []

    def stale_once(session, model, *args, **kwargs):
        if model is Contract and not stale:
            stale.append(True)
            return None  # as if the other review had not committed yet
        return real_owned(session, model, *args, **kwargs)

    monkeypatch.setattr(repository, "owned", stale_once)
    response = api.client.patch(f"/v1/findings/{second['id']}", headers=api.h("acme"), json={"action": "reject"})
    assert response.status_code == 200, response.text
    assert stale == [True] and response.json()["review"]["status"] == "rejected"
    engine = make_engine(url)
    with Session(engine) as session:
        assert len(session.exec(select(Contract)).all()) == 1
        assert sorted(a.status for a in session.exec(select(Annotation))) == ["accepted", "rejected"]
    engine.dispose()


def test_the_stores_own_tenants_cannot_get_api_keys(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    from serving.keys import create_key

    engine = make_engine(url)
    from serving.db import migrate

    migrate(engine)
    for reserved in ("public", "unattributed"):
        with pytest.raises(ValueError, match="reserved for the label store's own tenants"):
            create_key(engine, reserved)
    engine.dispose()
    assert main(["tenants", "--db", url, "set", "nobody", "--share-labels", "on"]) == 2
    assert "no tenant 'nobody'" in capsys.readouterr().err
