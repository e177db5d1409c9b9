"""/admin/keys: list and revoke API keys over HTTP, for an operator's tooling. Off unless
`LEXRISK_ADMIN_TOKEN` is set; its failed attempts count against the client address like a bad key."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Security
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from serving.api.deps import ApiError, EngineDep, IdPath, Limit, LimitsDep, Offset, SettingsDep, page_limit
from serving.api.protocol import error_responses
from serving.keys import KeyInfo, KeyNotFound, count_keys, list_keys, revoke_key

# declared so that /docs offers the admin token; checked before the body is read, in the request gate
# (serving/api/gate.py: admin_refusal)
_admin_bearer = HTTPBearer(auto_error=False, scheme_name="AdminToken", description="LEXRISK_ADMIN_TOKEN")


class KeyPublic(BaseModel):
    id: str
    tenant: str
    prefix: str
    state: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, info: KeyInfo) -> KeyPublic:
        return cls(id=info.id, tenant=info.tenant, prefix=info.prefix, state=info.state, created_at=info.created_at,
                   expires_at=info.expires_at, revoked_at=info.revoked_at, last_used_at=info.last_used_at)


class KeysPublic(BaseModel):
    data: list[KeyPublic]
    count: int  # every key (of the tenant asked for), not only this page


ADMIN_ERRORS = error_responses({404: ["not_found"]})
router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Security(_admin_bearer)])


@router.get("/keys", response_model=KeysPublic, responses=ADMIN_ERRORS)
async def keys(engine: EngineDep, settings: SettingsDep, tenant: str | None = None, offset: Offset = 0,
               limit: Limit = 20) -> KeysPublic:
    """A page of the keys (never the key itself): id, tenant, prefix, state, expiry, revocation, last use."""
    size = page_limit(limit, settings)
    rows = await run_in_threadpool(lambda: list_keys(engine, tenant, offset=offset, limit=size))
    return KeysPublic(data=[KeyPublic.of(k) for k in rows], count=await run_in_threadpool(count_keys, engine, tenant))


@router.delete("/keys/{key_id}", response_model=KeyPublic, responses=ADMIN_ERRORS)
async def revoke(engine: EngineDep, limits: LimitsDep, request: Request, key_id: IdPath) -> KeyPublic:
    """Revoke the key; requests with it get 401 from then on, in every API process (the revocation epoch).
    Revoking twice is no error."""
    try:
        info = await run_in_threadpool(revoke_key, engine, key_id)
    except KeyNotFound:
        raise ApiError(404, "not_found", f"no key {key_id}") from None
    request.app.state.key_cache.clear()
    await run_in_threadpool(limits.bump_epoch)
    return KeyPublic.of(info)
