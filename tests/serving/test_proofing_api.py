"""GET /v1/contracts/{id}/proofing: computed from the stored text, with the tenant's walls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.proofing import DEFAULT_KINDS, PROOFING_KINDS
from contracts.wire import ContractProofing
from lexrisk.settings import Settings
from tests.serving.conftest import Api, open_api

TEXT = ('SUPPLY AGREEMENT\n\n1. Supply.\nThe price is $[____] per unit, as set out in Schedule 4 and Section 3.\n'
        '"Launch Date" means the first day of sales.\n\n2. Term.\nOne year. [***]\n')


@pytest.fixture
def every_kind_api(settings: Settings) -> Iterator[Api]:
    yield from open_api(settings.model_copy(update={"proofing_kinds": list(PROOFING_KINDS)}))


def _stored(api: Api, tenant: str = "acme") -> str:
    accepted = api.upload(data=TEXT.encode(), name="supply.txt", tenant=tenant).json()
    return accepted["contract_id"]


def test_the_items_of_the_stored_text(every_kind_api: Api) -> None:
    api = every_kind_api
    contract_id = _stored(api)
    response = api.client.get(f"/v1/contracts/{contract_id}/proofing", headers=api.h())
    assert response.status_code == 200, response.text
    body = ContractProofing.model_validate(response.json())
    assert body.count == len(body.data) and set(body.kinds) == set(PROOFING_KINDS)
    assert body.not_run == [] and body.not_run_reason is None
    text = api.client.get(f"/v1/contracts/{contract_id}/text", headers=api.h()).json()["text"]
    assert all(text[i.start:i.end] == i.quote for i in body.data)
    found = {(i.kind, i.quote) for i in body.data}
    assert {("placeholder", "$[____]"), ("missing_reference", "Schedule 4"), ("missing_reference", "Section 3"),
            ("unused_definition", "Launch Date"), ("redaction", "[***]")} <= found


def test_default_kinds_without_the_setting(api: Api) -> None:
    contract_id = _stored(api)
    body = api.client.get(f"/v1/contracts/{contract_id}/proofing", headers=api.h()).json()
    assert body["kinds"] == list(DEFAULT_KINDS)
    assert {i["kind"] for i in body["data"]} <= set(DEFAULT_KINDS)


def _proofing(api: Api) -> ContractProofing:
    return ContractProofing.model_validate(api.client.get(f"/v1/contracts/{_stored(api)}/proofing",
                                                          headers=api.h()).json())


def test_the_default_names_the_checks_it_left_off(api: Api) -> None:
    """The default runs redaction alone (DEFAULT_KINDS, by precision): the answer names the checks it left off
    and why, so an empty list is not taken for their pass."""
    body = _proofing(api)
    assert body.not_run == [k for k in PROOFING_KINDS if k not in DEFAULT_KINDS] and "undefined_term" in body.not_run
    assert body.not_run_reason and body.not_run_reason.startswith("off by default")


def test_an_operators_list_is_the_reason_given(settings: Settings) -> None:
    for api in open_api(settings.model_copy(update={"proofing_kinds": ["placeholder", "redaction"]})):
        body = _proofing(api)
        assert "placeholder" not in body.not_run and "missing_reference" in body.not_run
        assert body.not_run_reason == "turned off by this server's LEXRISK_PROOFING_KINDS"


def test_another_tenant_and_unknown_ids_get_404(every_kind_api: Api) -> None:
    api = every_kind_api
    contract_id = _stored(api)
    for tenant, cid in (("globex", contract_id), ("acme", "0" * 32)):
        response = api.client.get(f"/v1/contracts/{cid}/proofing", headers=api.h(tenant))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.client.get(f"/v1/contracts/{contract_id}/proofing").status_code == 401
