"""Prometheus metrics of the API's requests (count, latency by route, errors by kind),
recorded by an ASGI middleware into a registry passed in, so tests use a fresh one."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Routes are labelled by their template (/engagement/{post_id}), never the raw path, so
# the label set stays small; a path no route matched is "unmatched".
UNMATCHED = "unmatched"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ApiMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "pulse_api_requests_total",
            "HTTP requests answered, by route template, method and status code",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "pulse_api_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route template",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "pulse_api_errors_total",
            "Requests the API could not answer (5xx), by route and kind "
            "(database_unavailable, database_busy, query_timeout, schema_missing, internal_error)",
            ["route", "kind"],
            registry=registry,
        )


class RequestMetrics:
    """Counts and times every HTTP request; the route is known once the router ran."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            route = route_template(scope)
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.latency.labels(route, method).observe(time.perf_counter() - started)
            if status >= 500:
                kind = scope.get("state", {}).get("error_kind", "internal_error")
                self.metrics.errors.labels(route, kind).inc()


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED
