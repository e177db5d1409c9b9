"""Request dependencies as `Annotated` aliases: the service, the settings, and the caller's tenant
(authenticated by Bearer key and rate limited in serving.api.gate, before the body is read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from contracts.settings import Settings
from serving.service import ContractService

# declared so that OpenAPI has a Bearer security scheme ("Authorize" in /docs); the check is the gate's
_bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey",
                     description="an API key from `lexrisk keys create`, sent as `Authorization: Bearer <key>`")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one error body of the API."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _service(request: Request) -> ContractService:
    return request.app.state.service


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _tenant(request: Request,
            _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]) -> str:
    tenant_id = request.scope.get("state", {}).get("tenant_id")
    if tenant_id is None:  # only reachable by a route outside /v1 that asks for a tenant
        raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>'",
                       {"WWW-Authenticate": "Bearer"})
    return tenant_id


def page_limit(limit: int, settings: Settings) -> int:
    """A page larger than the setting is refused, not silently cut: the client would miss rows."""
    if limit > settings.page_size_max:
        raise ApiError(422, "invalid_request", f"limit: at most {settings.page_size_max} rows a page "
                                               "(LEXRISK_PAGE_SIZE_MAX); page with offset")
    return limit


# ids are checked where they enter, so that no malformed one (a NUL byte, 10 kB of text) reaches the database
ID_PATTERN = r"^[0-9a-f]{32}$"
ID_HELP = "an id the API returned (32 hex digits)"
MAX_OFFSET = 2**31 - 1
IdPath = Annotated[str, Path(pattern=ID_PATTERN, description=ID_HELP)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, description="rows a page, at most LEXRISK_PAGE_SIZE_MAX (100); more is a 422")]

ServiceDep = Annotated[ContractService, Depends(_service)]
SettingsDep = Annotated[Settings, Depends(_settings)]
TenantDep = Annotated[str, Depends(_tenant)]
