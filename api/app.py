"""The FastAPI application: routers, error answers, metrics middleware, and the lifespan
that opens the connection pool and closes it with the Kafka client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry

from api.database import Database
from api.errors import ApiError
from api.head import HeadAsGet
from api.kafka_offsets import KafkaOffsets
from api.metrics import ApiMetrics, RequestMetrics
from api.routes import calls, content, sales, service, users
from api.settings import ApiSettings
from api.validation import describe_validation_errors
from pulse.kafka_security import kafka_security

logger = logging.getLogger(__name__)

DESCRIPTION = """
Pulse's live aggregates, read-only: every example query of `sql/queries/` and the
support-call views, each as one endpoint, answered from the aggregates the consumer
maintains in PostgreSQL (never from the raw facts). Days and weeks are UTC.

Lists are paged: `limit` (at most 1,000) and `offset`; each page says its `next_offset`.
Answers carry an `ETag` and a short `Cache-Control` max-age. Errors are
`{"error": code, "message": sentence}`.
"""


def create_app(
    settings: ApiSettings,
    *,
    database: Database | None = None,
    kafka_offsets: KafkaOffsets | None = None,
    registry: CollectorRegistry | None = None,
) -> FastAPI:
    """The app for `settings`; tests may pass their own database, Kafka client and
    metrics registry."""
    db = database or Database(
        settings.reader_database_url.get_secret_value(),
        min_size=settings.api_pool_min_size,
        max_size=settings.api_pool_max_size,
        timeout_s=settings.api_pool_timeout_s,
        statement_timeout_ms=settings.api_statement_timeout_ms,
    )
    offsets = kafka_offsets or KafkaOffsets(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=settings.kafka_topic,
        security=kafka_security(settings),
    )
    metrics = ApiMetrics(registry or CollectorRegistry())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await db.open()
        try:
            yield
        finally:
            await db.close()
            offsets.close()

    app = FastAPI(
        title="Pulse API",
        version=service.VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = db
    app.state.kafka_offsets = offsets
    app.state.metrics = metrics
    for module in (service, content, users, sales, calls):
        app.include_router(module.router)
    app.add_middleware(RequestMetrics, metrics=metrics)
    # Outermost (added last): the metrics and the routes see the HEAD as the GET it is.
    app.add_middleware(HeadAsGet)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    # A bug: answered as JSON like every other error; Starlette still logs the traceback.
    app.add_exception_handler(Exception, _internal_error)
    return app


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    if exc.status >= 500:
        request.state.error_kind = exc.code
        logger.warning("request failed: %s", exc, extra={"path": request.url.path})
    return JSONResponse({"error": exc.code, "message": str(exc)}, status_code=exc.status)


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(
        {
            "error": "invalid_parameter",
            "message": describe_validation_errors(exc.errors()),
            # jsonable_encoder: a validator's context may hold an exception object.
            "detail": jsonable_encoder(exc.errors()),
        },
        status_code=422,
    )


async def _internal_error(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"error": "internal_error", "message": "the API failed to answer: see its log"},
        status_code=500,
    )
