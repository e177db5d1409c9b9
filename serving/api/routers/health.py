"""The open endpoints: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from contracts.wire import ErrorBody
from serving.api.deps import AnalyzersDep, EngineDep, MetricsDep, QueueDep, SettingsDep
from serving.api.gate import METRICS_FAILURES, token_refusal

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={200: {"description": "every dependency answers"},
                                  503: {"description": "a dependency does not answer; `checks` says which"}})
def readyz(engine: EngineDep, queue: QueueDep, analyzers: AnalyzersDep, settings: SettingsDep) -> JSONResponse:
    """The database, the job queue and the default analyzer's backend answer."""
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    checks["queue"] = "ok" if queue.ready() else "unreachable"
    try:
        analyzer = analyzers.get(settings.analyzer)
        ready = getattr(analyzer, "ready", None)
        checks["analyzer"] = "ok" if ready is None or ready() else "unreachable"
    except Exception as exc:
        log.warning("readiness: analyzer %s: %s", settings.analyzer, exc)
        checks["analyzer"] = f"unavailable: {exc}"[:300]
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "unready", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics", response_class=PlainTextResponse,
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"},
                       401: {"model": ErrorBody, "description": "LEXRISK_METRICS_TOKEN is set and was not sent"},
                       429: {"model": ErrorBody, "description": "too many wrong tokens from this address"}})
def metrics(request: Request, settings: SettingsDep, measured: MetricsDep) -> Response:
    """Prometheus text format: request latency, jobs by state, queue depth, analyzer time and tokens;
    service-wide, no tenant in any series. Needs `Authorization: Bearer <LEXRISK_METRICS_TOKEN>` when set;
    wrong tokens count against the address as the admin token's do (before, it could be guessed at any rate)."""
    token = settings.metrics_token
    if token is not None:
        refused = token_refusal(request.scope, request.headers, request.app.state, token, METRICS_FAILURES,
                                "metrics token")
        if refused is not None:
            return refused
    return Response(generate_latest(measured.registry), media_type=CONTENT_TYPE_LATEST)
