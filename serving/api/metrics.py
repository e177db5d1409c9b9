"""Prometheus metrics. Request latency is measured here; jobs by state, queue depth and analyzer time
and tokens are read from the database at scrape time, so work done on RQ workers is counted by the
API too. Nothing here names or counts a tenant: the series are service-wide (the deepest tenant queue
is a number without its tenant), and `LEXRISK_METRICS_TOKEN` closes the endpoint to all but the scraper."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving.models import JobStatus
from serving.service import jobs as job_counts


class _JobCollector:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self):
        with Session(self.engine) as session:
            counts = job_counts.by_state(session)
            depth = job_counts.queue_depth(session)
            totals = job_counts.analyzer_totals(session)
        states = GaugeMetricFamily("lexrisk_jobs", "analysis jobs by state", labels=["state"])
        for state in JobStatus:
            states.add_metric([state.value], counts.get(state, 0))
        yield states
        yield GaugeMetricFamily("lexrisk_queue_depth", "analysis jobs waiting, all tenants", value=sum(depth.values()))
        yield GaugeMetricFamily("lexrisk_queue_depth_deepest_tenant", "analysis jobs waiting of the tenant with most",
                                value=max(depth.values(), default=0))
        jobs = CounterMetricFamily("lexrisk_analyzer_jobs", "finished analysis jobs", labels=["analyzer"])
        seconds = CounterMetricFamily("lexrisk_analyzer_seconds", "time spent analyzing, finished jobs",
                                      labels=["analyzer"])
        tokens = CounterMetricFamily("lexrisk_analyzer_tokens", "model tokens used by finished jobs",
                                     labels=["analyzer", "kind"])
        for analyzer, n, secs, prompt, completion in totals:
            jobs.add_metric([analyzer], n)
            seconds.add_metric([analyzer], secs)
            tokens.add_metric([analyzer, "prompt"], prompt)
            tokens.add_metric([analyzer, "completion"], completion)
        yield from (jobs, seconds, tokens)


class Metrics:
    """One registry per app, so that tests can build several apps in one process."""

    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram("lexrisk_http_request_duration_seconds", "API request latency",
                                         ["method", "route", "status"], registry=self.registry)
        self.registry.register(_JobCollector(engine))


class MeasureRequests:
    """Request latency by route and status, as plain ASGI middleware (Starlette's BaseHTTPMiddleware
    costs a task and a stream per request, a measurable share of a status poll)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            metrics = getattr(scope["app"].state, "metrics", None)
            if metrics is not None:
                route = getattr(scope.get("route"), "path", "unmatched")
                metrics.request_seconds.labels(scope["method"], route, str(status)).observe(
                    time.perf_counter() - started)
