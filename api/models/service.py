"""Answers about the service itself: errors, metadata and health."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error answer: a stable code and a sentence saying what is wrong."""

    error: str = Field(description="not_found, invalid_parameter, database_unavailable, ...")
    message: str


class InvalidParameterBody(ErrorBody):
    """A 422: `message` names each bad parameter, its rule and what was given; `detail`
    is the same as FastAPI's list of errors."""

    detail: list[dict[str, Any]]


# What every data endpoint may answer besides its 200, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": InvalidParameterBody, "description": "A parameter is invalid"},
    503: {"model": ErrorBody, "description": "PostgreSQL is away, or every connection busy"},
    504: {"model": ErrorBody, "description": "The query ran past the statement timeout"},
}


class DatabaseHealth(BaseModel):
    ok: bool
    latency_ms: float | None = None
    error: str | None = None


class PartitionProgress(BaseModel):
    partition: int
    next_offset: int | None = Field(description="Where the consumer resumes; null if never read")
    end_offset: int | None = Field(description="The partition's end in Kafka; null if unknown")
    lag: int | None = Field(description="Records on the topic not yet in PostgreSQL")


class ConsumerHealth(BaseModel):
    """The consumer group's progress, from the offset ledger in PostgreSQL (what the
    consumer commits with every batch) and the topic's end offsets in Kafka."""

    topic: str
    last_commit_at: datetime | None = Field(description="When a batch last committed")
    seconds_since_last_commit: float | None
    newest_event_minute_at: datetime | None = Field(
        description="The newest event time stored, to the minute"
    )
    freshness_seconds: float | None = Field(
        description="How far the newest stored event lies behind the database's clock"
    )
    lag: int | None = Field(description="Records on the topic not yet stored; null if unknown")
    kafka_error: str | None = None
    partitions: list[PartitionProgress]


class Health(BaseModel):
    """`ok`: database and Kafka answer; `degraded`: the database answers but the lag is
    unknown; `down`: the database does not answer (HTTP 503)."""

    status: str
    database: DatabaseHealth
    consumer: ConsumerHealth | None


class Endpoint(BaseModel):
    path: str
    summary: str


class ServiceInfo(BaseModel):
    """Seed 003's `GET /`: what this is, where the docs are, and its health."""

    name: str
    version: str
    docs_url: str
    openapi_url: str
    metrics_url: str
    status: str
    endpoints: list[Endpoint]
