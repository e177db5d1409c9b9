"""App wiring in one place: `build_app(settings)` creates the engine (migrated), the job queue, the
analyzers and the metrics once, in the lifespan, on `app.state`; one error body for every 4xx/5xx."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts.settings import Settings, get_settings
from serving.api.deps import ApiError
from serving.api.metrics import Metrics
from serving.api.ratelimit import RateLimiter
from serving.api.routers import contracts, health, jobs, labels, model, templates
from serving.api.uploads import check_declared_length
from serving.db import make_engine, migrate
from serving.errors import ServiceError
from serving.jobs.queue import InProcessQueue, make_queue
from serving.jobs.runner import AnalyzerCache
from serving.service import ContractService

log = logging.getLogger(__name__)
_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_type",
                 422: "invalid_request", 429: "rate_limited"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def build_app(settings: Settings | None = None, *, engine_schema: str | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, schema=engine_schema)
        migrate(engine)
        analyzers = AnalyzerCache(settings)
        queue = make_queue(engine, settings)
        if isinstance(queue, InProcessQueue):
            queue.analyzers = analyzers  # one model in memory for jobs and readiness
        service = ContractService(engine, settings, queue)
        app.state.settings, app.state.engine, app.state.queue = settings, engine, queue
        app.state.analyzers, app.state.service = analyzers, service
        app.state.metrics = Metrics(service)
        app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
        queue.start()
        try:
            yield
        finally:
            queue.stop()
            engine.dispose()

    app = FastAPI(title="lexrisk", version="1", lifespan=lifespan,
                  description="Contract risk analysis: upload contracts, poll analysis jobs, read and review "
                              "findings. Every endpoint under /v1 needs `Authorization: Bearer <key>`; "
                              "errors are `{\"error\": {\"code\", \"message\"}}`.")
    for router in (contracts.router, jobs.router, templates.router, labels.router, model.router, health.router):
        app.include_router(router)

    @app.middleware("http")
    async def measure(request: Request, call_next):
        started = time.perf_counter()
        if request.method == "POST" and request.url.path in ("/v1/contracts", "/v1/templates"):
            try:
                check_declared_length(request, settings)
            except ServiceError as exc:
                return error_response(exc.status, exc.code, exc.message)
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.request_seconds.labels(request.method, path, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response

    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors()[:5]:
            where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request"
            problems.append(f"{where}: {error.get('msg')}")
        return error_response(422, "invalid_request", "; ".join(problems))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "the server failed to handle this request")

    return app
