"""Service endpoints: seed 003's `GET /` (metadata and health), `/health` and `/metrics`."""

from __future__ import annotations

from importlib import metadata

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.health import check_health
from api.models.service import Endpoint, Health, ServiceInfo

router = APIRouter(tags=["service"])
try:
    VERSION = metadata.version("pulse")
except metadata.PackageNotFoundError:  # run from a checkout that was never installed
    VERSION = "unknown"
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/", response_model=ServiceInfo)
async def root(request: Request) -> Response:
    """What this API serves, where its docs are, and its health status in one word."""
    health = await _health(request)
    # The OpenAPI document lists every endpoint with its docstring (built once, cached).
    paths = request.app.openapi()["paths"]
    endpoints = [
        Endpoint(path=path, summary=_first_paragraph(operation["get"]))
        for path, operation in paths.items()
        if "get" in operation and path != "/"
    ]
    info = ServiceInfo(
        name="Pulse API",
        version=VERSION,
        docs_url="/docs",
        openapi_url="/openapi.json",
        metrics_url="/metrics",
        status=health.status,
        endpoints=endpoints,
    )
    return JSONResponse(info.model_dump(mode="json"), headers=NO_STORE)


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
async def health(request: Request) -> Response:
    """Database reachability, the consumer's freshness and its lag (503 when the database
    does not answer; `degraded` when Kafka does not, so the lag is unknown)."""
    answer = await _health(request)
    code = 503 if answer.status == "down" else 200
    return JSONResponse(answer.model_dump(mode="json"), status_code=code, headers=NO_STORE)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)


async def _health(request: Request) -> Health:
    state = request.app.state
    return await check_health(state.database, state.kafka_offsets, state.settings.kafka_topic)


def _first_paragraph(operation: dict[str, str]) -> str:
    return " ".join(operation.get("description", "").split("\n\n")[0].split())
