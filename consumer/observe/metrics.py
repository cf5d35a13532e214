"""Prometheus metrics of the consumer, `pulse_` prefixed, with small fixed label sets.
The registry is passed in so that tests and several consumers in one process stay apart."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from consumer.ingest.records import SkipCause
from pulse.contract import RejectReason

_BATCH_SIZE_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000)
_SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Freshness spans live traffic (sub-second) and replays of old history (days).
_FRESHNESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 86_400)


# The catalog's loop exports the same metrics under this prefix (pulse_catalog_records_total,
# ...), so that every pulse_* series keeps meaning the events alone.
CATALOG_PREFIX = "pulse_catalog"


class ConsumerMetrics:
    """Every metric the consumer exports; one instance per consumer loop, each with its own
    prefix when two share a registry."""

    def __init__(self, registry: CollectorRegistry, prefix: str = "pulse") -> None:
        self.registry = registry
        self.records_consumed = Counter(
            f"{prefix}_records_consumed_total",
            "Records read from Kafka",
            ["topic", "partition"],
            registry=registry,
        )
        self.outcomes = Counter(
            f"{prefix}_records_total",
            "Records by final outcome: stored, duplicate or dead_lettered",
            ["outcome"],
            registry=registry,
        )
        self.dead_letters = Counter(
            f"{prefix}_dead_letters_total",
            "Records sent to the dead-letter topic, by reason",
            ["reason"],
            registry=registry,
        )
        self.skipped_offsets = Counter(
            f"{prefix}_skipped_offsets_total",
            "Committed offsets that held nothing to store, by cause: transaction_marker, "
            "aborted_transaction, retention_gap, offset_reset",
            ["cause"],
            registry=registry,
        )
        # Every label value exported from the start at 0: increase() over a series that
        # appears at 5 sees no increase, so the alerts would miss a first rejection or gap.
        for reason in RejectReason:
            self.dead_letters.labels(reason.value)
        for cause in SkipCause:
            self.skipped_offsets.labels(cause.value)
        self.events_stored = Counter(
            f"{prefix}_events_stored_total",
            "New facts stored, by event type",
            ["event_type"],
            registry=registry,
        )
        self.batch_size = Histogram(
            f"{prefix}_batch_records",
            "Records per written batch",
            buckets=_BATCH_SIZE_BUCKETS,
            registry=registry,
        )
        self.batch_duration = Histogram(
            f"{prefix}_batch_duration_seconds",
            "Time to dead-letter and write one batch, from when the writer takes it",
            buckets=_SECONDS_BUCKETS,
            registry=registry,
        )
        self.db_transaction_duration = Histogram(
            f"{prefix}_db_transaction_duration_seconds",
            "Duration of the PostgreSQL transaction of one batch",
            buckets=_SECONDS_BUCKETS,
            registry=registry,
        )
        self.freshness = Histogram(
            f"{prefix}_event_freshness_seconds",
            "Commit time minus event time, for an even sample of each batch's events",
            buckets=_FRESHNESS_BUCKETS,
            registry=registry,
        )
        self.lag = Gauge(
            f"{prefix}_consumer_lag_records",
            "Log end offset minus the offset stored in PostgreSQL",
            ["topic", "partition"],
            registry=registry,
        )
        self.last_commit = Gauge(
            f"{prefix}_last_commit_timestamp_seconds",
            "Unix time of the last successful database commit",
            registry=registry,
        )
        self.retries = Counter(
            f"{prefix}_retries_total",
            "Retried operations, by kind",
            ["kind"],
            registry=registry,
        )
        self.errors = Counter(
            f"{prefix}_errors_total",
            "Errors, by kind",
            ["kind"],
            registry=registry,
        )
        self.rebalances = Counter(
            f"{prefix}_rebalances_total",
            "Partition assignments and revocations",
            ["change"],
            registry=registry,
        )
        self.in_flight = Gauge(
            f"{prefix}_in_flight_records",
            "Records held in the current, not yet committed batch",
            registry=registry,
        )
        self.assigned_partitions = Gauge(
            f"{prefix}_assigned_partitions",
            "Partitions currently assigned to this consumer",
            registry=registry,
        )
        self.breaker_open = Gauge(
            f"{prefix}_circuit_breaker_open",
            "1 while consumption is paused because too many records were invalid",
            registry=registry,
        )
        self.breaker_trips = Counter(
            f"{prefix}_circuit_breaker_trips_total",
            "Times the dead-letter circuit breaker paused consumption",
            registry=registry,
        )
        self.waiting = Gauge(
            f"{prefix}_waiting_for_dependency",
            "1 while the consumer waits for an unavailable service, by service",
            ["service"],
            registry=registry,
        )
