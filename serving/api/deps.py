"""Request dependencies as `Annotated` aliases: the settings, the engine, a request-scoped database
session (and one for the status polls' single reads), the queue, and the caller's tenant (authenticated by Bearer key and rate limited in
serving.api.gate, before the body is read).

The objects the lifespan built live on `app.state`; the functions below are the one place routes read
them, so that a test swaps one with `app.dependency_overrides[app_service] = ...` instead of reaching into
the app. They are `async def` although they do not wait: FastAPI runs a plain `def` dependency on a
worker thread, a thread hop per dependency per request that a status poll does not need. (The gate, ASGI middleware that runs before any dependency, reads app.state itself.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contracts.wire import ID_HELP, ID_PATTERN
from serving.api.metrics import Metrics
from serving.api.ratelimit import Limits
from serving.jobs.queue import JobQueue
from serving.jobs.runner import AnalyzerCache
from serving.models import Tenant
from serving.pg_reads import PgReads
from serving.settings import PAGE_SIZE_CAP, ServiceSettings

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


async def app_settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


async def app_engine(request: Request) -> Engine:
    return request.app.state.engine


async def app_queue(request: Request) -> JobQueue:
    return request.app.state.queue


async def app_analyzers(request: Request) -> AnalyzerCache:
    return request.app.state.analyzers


async def app_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def app_limits(request: Request) -> Limits:
    return request.app.state.limits


async def app_read_engine(request: Request) -> Engine:
    return request.app.state.read_engine


async def app_status_reads(request: Request) -> PgReads | None:
    return request.app.state.status_reads


def request_session(engine: Annotated[Engine, Depends(app_engine)]) -> Iterator[Session]:
    """One session a request, closed (uncommitted work rolled back) when the response is done."""
    with Session(engine) as session:
        yield session


def read_session(engine: Annotated[Engine, Depends(app_read_engine)]) -> Iterator[Session]:
    """A session for a route that only reads: each statement is sent alone, without the BEGIN and
    ROLLBACK round trips around it (the read engine is AUTOCOMMIT)."""
    with Session(engine) as session:
        yield session


async def _tenant(request: Request,
            _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]) -> Tenant:
    tenant = request.scope.get("state", {}).get("tenant")
    if tenant is None:  # only reachable by a route outside /v1 that asks for a tenant
        raise ApiError(401, "unauthorized", "send an API key as 'Authorization: Bearer <key>'",
                       {"WWW-Authenticate": "Bearer"})
    return tenant


def page_limit(limit: int, settings: ServiceSettings) -> int:
    """A page larger than the setting is refused, not silently cut: the client would miss rows."""
    if limit > settings.page_size_max:
        raise ApiError(422, "invalid_request", f"limit: at most {settings.page_size_max} rows a page "
                                               "(LEXRISK_PAGE_SIZE_MAX); page with offset")
    return limit


MAX_OFFSET = 2**31 - 1
IdPath = Annotated[str, Path(pattern=ID_PATTERN, description=ID_HELP)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]


def _page_size(value: object, handler: ValidatorFunctionWrapHandler) -> int:
    """`limit` past the declared maximum, said as page_limit says it past a lower LEXRISK_PAGE_SIZE_MAX (pydantic's
    own "Input should be less than or equal to 100" does not say how to get the other rows)."""
    try:
        return handler(value)
    except ValidationError as exc:
        if any(error["type"] == "less_than_equal" for error in exc.errors()):
            raise PydanticCustomError("less_than_equal", "at most {le} rows a page (LEXRISK_PAGE_SIZE_MAX); page with offset",
                                      {"le": PAGE_SIZE_CAP}) from None
        raise


# `maximum` in the OpenAPI reference, so that generated clients check it before sending
Limit = Annotated[int, Query(ge=1, le=PAGE_SIZE_CAP, description=f"rows a page, at most LEXRISK_PAGE_SIZE_MAX "
                                                                f"({PAGE_SIZE_CAP} unless lowered); more is a 422"),
                  WrapValidator(_page_size)]

SettingsDep = Annotated[ServiceSettings, Depends(app_settings)]
EngineDep = Annotated[Engine, Depends(app_engine)]
SessionDep = Annotated[Session, Depends(request_session)]
ReadSessionDep = Annotated[Session, Depends(read_session)]
ReadEngineDep = Annotated[Engine, Depends(app_read_engine)]
StatusReadsDep = Annotated[PgReads | None, Depends(app_status_reads)]
QueueDep = Annotated[JobQueue, Depends(app_queue)]
AnalyzersDep = Annotated[AnalyzerCache, Depends(app_analyzers)]
MetricsDep = Annotated[Metrics, Depends(app_metrics)]
LimitsDep = Annotated[Limits, Depends(app_limits)]
TenantDep = Annotated[Tenant, Depends(_tenant)]
