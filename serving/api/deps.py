"""Request dependencies as `Annotated` aliases: the service, the settings, and the caller's tenant
(authenticated by Bearer key, then rate limited per key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contracts.settings import Settings
from serving.keys import hash_key, tenant_for_key
from serving.service import ContractService


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _service(request: Request) -> ContractService:
    return request.app.state.service


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _tenant(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>'",
                       {"WWW-Authenticate": "Bearer"})
    tenant_id = tenant_for_key(request.app.state.engine, key.strip())
    if tenant_id is None:
        raise ApiError(401, "unauthorized", "the API key is not valid", {"WWW-Authenticate": "Bearer"})
    wait = request.app.state.rate_limiter.take(hash_key(key.strip()))
    if wait > 0:
        raise ApiError(429, "rate_limited", f"too many requests for this key; retry in {wait:.1f} s",
                       {"Retry-After": str(max(1, round(wait)))})
    return tenant_id


ServiceDep = Annotated[ContractService, Depends(_service)]
SettingsDep = Annotated[Settings, Depends(_settings)]
TenantDep = Annotated[str, Depends(_tenant)]
