"""/v1/contracts/{id}/proofing: the contract's drafting defects (contracts.proofing), computed from its
stored text on each request: the checks are deterministic and take milliseconds, so nothing is stored
that could go stale when the checks improve. Another tenant's contract is 404, as everywhere."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from contracts.proofing import DEFAULT_KINDS, not_run, proofread
from contracts.wire import ContractProofing, ErrorBody
from serving.api.deps import IdPath, ReadSessionDep, SettingsDep, TenantDep
from serving.service import contracts

router = APIRouter(prefix="/v1/contracts", tags=["proofing"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 404, 422, 429)}


@router.get("/{contract_id}/proofing", response_model=ContractProofing, responses=ERRORS,
            summary="Proofing items: undefined terms, dangling references, blanks, numbering, party names")
def contract_proofing(contract_id: IdPath, tenant: TenantDep, session: ReadSessionDep,
                      settings: SettingsDep) -> ContractProofing:
    """Defects of the drafting, not risks: they are not findings and do not enter any score. The checks
    that run are LEXRISK_PROOFING_KINDS (docs/proofing.md); unset, redaction alone: the others, and why they
    did not run, are `not_run` and `not_run_reason`, so that an empty list is not read as their pass."""
    kinds = settings.proofing_kinds if settings.proofing_kinds is not None else list(DEFAULT_KINDS)
    items = proofread(contracts.document(session, tenant_id=tenant.id, contract_id=contract_id), kinds)
    off, reason = not_run(settings.proofing_kinds)
    return ContractProofing(contract_id=contract_id, data=items, count=len(items), kinds=kinds, not_run=off,
                            not_run_reason=reason)
