"""App wiring in one place: `build_app(settings)` creates the engine (migrated), the job queue, the
analyzers and the metrics once, in the lifespan, on `app.state`; one error body for every 4xx/5xx."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.settings import load_settings
from serving.api.deps import ApiError, error_response
from serving.api.gate import KeyCache, RequestGate
from serving.api.metrics import MeasureRequests, Metrics
from serving.api.ratelimit import Limits
from serving.api.request_checks import (
    allowed_methods,
    known_query_params,
    validation_response,
    with_media_type_refusals,
)
from serving.api.routers import (
    admin,
    annotation,
    comparisons,
    contracts,
    exports,
    health,
    jobs,
    labels,
    model,
    proofing,
    registry,
    templates,
    terms,
)
from serving.api.slashes import TrailingSlash
from serving.db import make_engine, migrate
from serving.errors import ServiceError
from serving.jobs.queue import InProcessQueue, make_queue
from serving.jobs.runner import AnalyzerCache
from serving.pg_reads import status_reads
from serving.settings import ServiceSettings

log = logging.getLogger(__name__)
# codes of the HTTP errors the framework itself raises: no route (404), wrong method (405), a body it
# cannot parse (400)
_STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def build_app(settings: ServiceSettings | None = None, *, engine_schema: str | None = None) -> FastAPI:
    settings = settings or load_settings(ServiceSettings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # one thread pool sized by a setting, and a database connection kept for each of its threads and
        # each in-process job and webhook worker: no request waits for, or opens, a connection
        to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        engine = make_engine(settings.database_url, schema=engine_schema,
                             pool_size=settings.api_threads + settings.job_workers + settings.webhook_workers)
        migrate(engine)
        polls = status_reads(settings.database_url, schema=engine_schema, size=settings.api_threads)
        if polls is not None:
            await polls.open()
        analyzers = AnalyzerCache(settings)
        queue = make_queue(engine, settings)
        if isinstance(queue, InProcessQueue):
            queue.analyzers = analyzers  # one model in memory for jobs and readiness
        app.state.settings, app.state.engine, app.state.queue = settings, engine, queue
        # status reads (a job, a contract, the contract list) need no transaction: on this engine they are
        # sent as single statements, without the BEGIN and ROLLBACK round trips around each poll; on
        # PostgreSQL the polls run on the event loop, on psycopg's pool (`status_reads`)
        app.state.read_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        app.state.status_reads = polls
        app.state.analyzers = analyzers
        app.state.metrics = Metrics(engine)
        app.state.limits = Limits.from_settings(settings, getattr(queue, "redis", None))
        app.state.key_cache = KeyCache(settings.auth_cache_s)
        queue.start()
        # what start-up built (the framework, the engines, the routes' models) lives as long as the process:
        # frozen, the garbage collector's full collections no longer walk it, and those pauses were the
        # slowest polls under load (docs/serving.md, Load). Unfrozen at shutdown, so that an app started and
        # stopped inside a longer-lived process (tests, an embedding server) leaves nothing uncollectable.
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            queue.stop()
            await app.state.limits.aclose()
            if polls is not None:
                await polls.close()
            engine.dispose()

    app = FastAPI(title="lexrisk", version="1", lifespan=lifespan,
                  description="Contract risk analysis: upload contracts, poll analysis jobs, read and review "
                              "findings. Every endpoint under /v1 needs `Authorization: Bearer <key>`; "
                              "errors are `{\"error\": {\"code\", \"message\"}}`.",
                  # a GET's query parameter that its route does not declare is refused, not ignored
                  dependencies=[Depends(known_query_params)])
    for router in (contracts.router, exports.router, comparisons.router, jobs.router, templates.router, labels.router, model.router,
                   terms.router, proofing.router, health.router, admin.router, annotation.router, registry.router):
        app.include_router(router)
    app.openapi = lambda: with_media_type_refusals(FastAPI.openapi(app))  # type: ignore[method-assign]

    app.add_middleware(RequestGate)
    app.add_middleware(MeasureRequests)  # outside the gate, so that refused requests are measured too
    app.add_middleware(TrailingSlash)  # outermost: every layer sees `/v1/contracts/` as `/v1/contracts`

    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            allowed = allowed_methods(request)
            return error_response(405, "method_not_allowed", f"{request.method} is not allowed on "
                                  f"{request.url.path}; it takes {', '.join(allowed)}", {"Allow": ", ".join(allowed)})
        code = _STATUS_CODES.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal_error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(request, exc)

    @app.exception_handler(DataError)
    async def _out_of_range(_request: Request, exc: DataError) -> JSONResponse:
        # the edge validates ids, bounds and text; this is the net under it, so that a value the database
        # cannot hold is still the client's 422 and not a 500
        log.warning("database refused a value: %s", exc.orig)
        return error_response(422, "invalid_request", "a value in the request is out of range or holds "
                                                      "characters that cannot be stored")

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "the server failed to handle this request")

    return app
