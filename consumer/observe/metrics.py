"""Prometheus metrics of the consumer, `pulse_` prefixed, with small fixed label sets.
The registry is passed in so that tests and several consumers in one process stay apart."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_BATCH_SIZE_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000)
_SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Freshness spans live traffic (sub-second) and replays of old history (days).
_FRESHNESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 86_400)


class ConsumerMetrics:
    """Every metric the consumer exports; one instance per consumer loop."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.records_consumed = Counter(
            "pulse_records_consumed_total",
            "Records read from Kafka",
            ["topic", "partition"],
            registry=registry,
        )
        self.outcomes = Counter(
            "pulse_records_total",
            "Records by final outcome: stored, duplicate or dead_lettered",
            ["outcome"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "pulse_dead_letters_total",
            "Records sent to the dead-letter topic, by reason",
            ["reason"],
            registry=registry,
        )
        self.skipped_offsets = Counter(
            "pulse_skipped_offsets_total",
            "Committed offsets that held nothing to store, by cause: transaction_marker, "
            "aborted_transaction, retention_gap, offset_reset",
            ["cause"],
            registry=registry,
        )
        self.events_stored = Counter(
            "pulse_events_stored_total",
            "New facts stored, by event type",
            ["event_type"],
            registry=registry,
        )
        self.batch_size = Histogram(
            "pulse_batch_records",
            "Records per written batch",
            buckets=_BATCH_SIZE_BUCKETS,
            registry=registry,
        )
        self.batch_duration = Histogram(
            "pulse_batch_duration_seconds",
            "Time to validate, dead-letter and write one batch",
            buckets=_SECONDS_BUCKETS,
            registry=registry,
        )
        self.db_transaction_duration = Histogram(
            "pulse_db_transaction_duration_seconds",
            "Duration of the PostgreSQL transaction of one batch",
            buckets=_SECONDS_BUCKETS,
            registry=registry,
        )
        self.freshness = Histogram(
            "pulse_event_freshness_seconds",
            "Commit time minus event time, for an even sample of each batch's events",
            buckets=_FRESHNESS_BUCKETS,
            registry=registry,
        )
        self.lag = Gauge(
            "pulse_consumer_lag_records",
            "Log end offset minus the offset stored in PostgreSQL",
            ["topic", "partition"],
            registry=registry,
        )
        self.last_commit = Gauge(
            "pulse_last_commit_timestamp_seconds",
            "Unix time of the last successful database commit",
            registry=registry,
        )
        self.retries = Counter(
            "pulse_retries_total",
            "Retried operations, by kind",
            ["kind"],
            registry=registry,
        )
        self.errors = Counter(
            "pulse_errors_total",
            "Errors, by kind",
            ["kind"],
            registry=registry,
        )
        self.rebalances = Counter(
            "pulse_rebalances_total",
            "Partition assignments and revocations",
            ["change"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "pulse_in_flight_records",
            "Records held in the current, not yet committed batch",
            registry=registry,
        )
        self.assigned_partitions = Gauge(
            "pulse_assigned_partitions",
            "Partitions currently assigned to this consumer",
            registry=registry,
        )
        self.breaker_open = Gauge(
            "pulse_circuit_breaker_open",
            "1 while consumption is paused because too many records were invalid",
            registry=registry,
        )
        self.breaker_trips = Counter(
            "pulse_circuit_breaker_trips_total",
            "Times the dead-letter circuit breaker paused consumption",
            registry=registry,
        )
        self.waiting = Gauge(
            "pulse_waiting_for_dependency",
            "1 while the consumer waits for an unavailable service, by service",
            ["service"],
            registry=registry,
        )
