"""/admin/models: the model registry over HTTP for an administrator (the app's Model page): the registered
adapters with their scores and which is served, gated promotion and rollback. The same functions as
`lexrisk models promote|rollback` (serving.registry); behind the admin token like /admin/keys."""

from __future__ import annotations

from fastapi import APIRouter, Security
from starlette.concurrency import run_in_threadpool

from contracts.wire import ModelVersionPublic, ModelVersionsPublic, PromoteIn, RegistryDecision, RollbackIn
from serving.api.deps import ApiError, EngineDep
from serving.api.protocol import error_responses
from serving.api.routers.admin import _admin_bearer
from serving.registry import RegistryError, promote, rollback, served_name, versions

router = APIRouter(prefix="/admin/models", tags=["admin"], dependencies=[Security(_admin_bearer)])
ERRORS = error_responses({404: ["not_found"], 409: ["registry_conflict"]})


@router.get("", response_model=ModelVersionsPublic, responses=ERRORS)
async def list_versions(engine: EngineDep) -> ModelVersionsPublic:
    rows = await run_in_threadpool(versions, engine)
    return ModelVersionsPublic(data=[
        ModelVersionPublic(name=v.name, tenant_scope=v.tenant_scope, base_model=v.base_model,
                           precision=(v.metrics.get("micro") or {}).get("precision"),
                           recall=(v.metrics.get("micro") or {}).get("recall"),
                           f1=(v.metrics.get("micro") or {}).get("f1"), registered_at=v.registered_at, served=is_served)
        for v, is_served in rows])


@router.post("/{name}/promote", response_model=RegistryDecision, responses=ERRORS)
async def promote_version(engine: EngineDep, name: str, body: PromoteIn) -> RegistryDecision:
    """Serve `name` if it passes the gate against the adapter served now; a refusal is 409 with the reason."""
    try:
        decision = await run_in_threadpool(promote, engine, name, body.gate, body.tenant)
    except RegistryError as exc:
        raise ApiError(404 if "no model named" in str(exc) else 409, "not_found" if "no model named" in str(exc)
                       else "registry_conflict", str(exc)) from None
    if not decision.passed:
        raise ApiError(409, "registry_conflict", decision.message)
    return RegistryDecision(passed=True, message=decision.message, served=name)


@router.post("/rollback", response_model=RegistryDecision, responses=ERRORS)
async def rollback_version(engine: EngineDep, body: RollbackIn) -> RegistryDecision:
    """Serve again the adapter served before the current one."""
    try:
        version = await run_in_threadpool(rollback, engine, body.tenant)
    except RegistryError as exc:
        raise ApiError(409, "registry_conflict", str(exc)) from None
    return RegistryDecision(passed=True, message=f"rolled back to {version.name}", served=served_name(version))
