"""The open endpoints: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database, the job queue and the default analyzer's backend answer."""
    state = request.app.state
    checks: dict[str, str] = {}
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    checks["queue"] = "ok" if state.queue.ready() else "unreachable"
    try:
        analyzer = state.analyzers.get(state.settings.analyzer)
        ready = getattr(analyzer, "ready", None)
        checks["analyzer"] = "ok" if ready is None or ready() else "unreachable"
    except Exception as exc:
        log.warning("readiness: analyzer %s: %s", state.settings.analyzer, exc)
        checks["analyzer"] = f"unavailable: {exc}"[:300]
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "unready", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
