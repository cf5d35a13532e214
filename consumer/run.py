"""`consumer run`: one process, two consumer loops on the same delivery path. The events loop
(KAFKA_TOPIC into facts and aggregates, group KAFKA_GROUP_ID) runs on the main thread; the
catalog loop (KAFKA_CATALOG_TOPIC into the dimensions, group KAFKA_GROUP_ID + `.catalog`)
on a thread of its own, with its own Kafka clients, database connection and dead-letter
topic. A fatal error of either stops both; so do SIGTERM and Ctrl-C."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import dataclass
from functools import partial
from types import FrameType
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from prometheus_client import CollectorRegistry

from consumer.deadletters.publisher import DeadLetterPublisher
from consumer.ingest.loop import ConsumerLoop, LoopOptions
from consumer.ingest.pipeline import Pipeline, catalog_pipeline, events_pipeline
from consumer.ingest.records import install as install_record_reader
from consumer.observe.endpoint import serve_metrics
from consumer.observe.metrics import CATALOG_PREFIX, ConsumerMetrics
from consumer.quality.cli import start_quality_job
from consumer.retention.cli import start_maintenance_job
from consumer.store.database import Database
from consumer.store.migrations import ensure_current
from pulse.collector import settle_for_streaming
from pulse.errors import PulseError, ServiceUnavailableError
from pulse.kafka_client import open_client
from pulse.kafka_security import kafka_security
from pulse.settings import Settings

logger = logging.getLogger("consumer")


@dataclass(frozen=True, slots=True)
class Stream:
    """What one loop consumes: its pipeline, consumer group and dead-letter topic."""

    pipeline: Pipeline
    group_id: str
    dlq_topic: str
    metrics_prefix: str
    # The catalog topic must be created compacted: a consumer subscribing to it early
    # must not have the broker create it with the default cleanup policy.
    auto_create_topic: bool


def run(settings: Settings, options: LoopOptions) -> int:
    database = Database(settings.database_url.get_secret_value())
    database.check()
    with database.connect() as conn:
        applied = ensure_current(conn)
    if applied:
        logger.info("migrations applied", extra={"applied": ",".join(applied)})
    registry = CollectorRegistry()
    quality = start_quality_job(settings, registry)
    maintenance = start_maintenance_job(settings)
    metrics_port = serve_metrics(settings, registry)
    streams = [
        Stream(events_pipeline(settings), settings.kafka_group_id, settings.kafka_dlq_topic,
               "pulse", auto_create_topic=True),
    ]  # fmt: skip
    if settings.catalog_enabled:
        streams.append(
            Stream(catalog_pipeline(settings), settings.kafka_catalog_group_id,
                   settings.kafka_catalog_dlq_topic, CATALOG_PREFIX, auto_create_topic=False)
        )  # fmt: skip
    opened: list[tuple[KafkaConsumer, DeadLetterPublisher, Database]] = []
    try:
        loops: list[ConsumerLoop] = []
        for stream in streams:
            kafka, dead_letters = _connect_kafka(settings, stream)
            # Each loop writes on its own connection: they run on two threads.
            stream_db = Database(settings.database_url.get_secret_value()) if loops else database
            opened.append((kafka, dead_letters, stream_db))
            loops.append(
                ConsumerLoop(
                    settings,
                    metrics=ConsumerMetrics(registry, stream.metrics_prefix),
                    database=stream_db,
                    kafka=kafka,
                    dead_letters=dead_letters,
                    options=options,
                    pipeline=stream.pipeline,
                )
            )
        # Handlers first: a stop asked for once "consuming" is logged is a clean stop.
        _install_signal_handlers(*loops)
        settle_for_streaming()
        # The main thread validates without pause; the writer thread wants the lock back
        # after every PostgreSQL round trip, and waited up to the whole interval each time
        # (drains of 300,000 events: 27,000 events/s at Python's 5 ms, 31,000 at 0.2 ms).
        sys.setswitchinterval(settings.thread_switch_interval_ms / 1000)
        for stream in streams:
            logger.info(
                "consuming",
                extra={
                    "topic": stream.pipeline.topic,
                    "group": stream.group_id,
                    "metrics": f"http://{settings.metrics_host}:{metrics_port}/metrics",
                },
            )
        _run_loops(*loops, until_idle=options.exit_when_idle_s is not None)
    finally:
        quality.stop()
        maintenance.stop()
        for kafka, dead_letters, stream_db in opened:
            kafka.close(autocommit=False)
            dead_letters.close()
            stream_db.discard()
    logger.info("stopped")
    return 0


def _run_loops(
    events: ConsumerLoop, catalog: ConsumerLoop | None = None, *, until_idle: bool
) -> None:
    """The catalog loop on a thread, the events loop here (signals reach only the main
    thread). A failure of the catalog loop stops the events loop, which raises it. When
    the events loop ends, the catalog loop is stopped too, unless both run until idle:
    then it drains the catalog and ends by itself."""
    if catalog is None:  # CATALOG_ENABLED=false
        events.run()
        return
    failure: list[BaseException] = []

    def consume_catalog() -> None:
        try:
            catalog.run()
        except BaseException as exc:
            failure.append(exc)
            events.fail(exc)

    thread = threading.Thread(target=consume_catalog, name="pulse-catalog", daemon=True)
    thread.start()
    try:
        events.run()
        if not until_idle:
            catalog.request_stop()
    except BaseException:
        catalog.request_stop()
        raise
    finally:
        thread.join()
    if failure:  # the catalog loop failed after the events loop had ended
        raise failure[0] if isinstance(failure[0], PulseError) else PulseError(repr(failure[0]))


def _connect_kafka(settings: Settings, stream: Stream) -> tuple[KafkaConsumer, DeadLetterPublisher]:
    # Fail fast at start-up with a clear message; once running, outages are retried.
    security = kafka_security(settings)
    common: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "bootstrap_timeout_ms": 10_000,
        # kafka-python backs off up to 30 s between reconnects: after a broker restart
        # the consumer would sit idle that long. Java clients cap it at 1 s.
        "reconnect_backoff_max_ms": 1000,
        **security,
    }
    opened = partial(
        open_client, bootstrap_servers=settings.kafka_bootstrap_servers, security=security
    )
    try:
        kafka = opened(
            partial(
                KafkaConsumer,
                **common,
                group_id=stream.group_id,
                client_id=f"{stream.group_id}-consumer",
                enable_auto_commit=False,
                auto_offset_reset=settings.kafka_auto_offset_reset,
                max_poll_records=settings.batch_max_records,
                session_timeout_ms=settings.kafka_session_timeout_ms,
                heartbeat_interval_ms=max(settings.kafka_session_timeout_ms // 4, 500),
                # Also the rebalance timeout: the client's default of 5 minutes let one
                # rebalance stall that long when a member left in the middle of it.
                max_poll_interval_ms=settings.kafka_max_poll_interval_ms,
                fetch_max_bytes=min(52_428_800, settings.batch_max_bytes),
                # Records of aborted transactions are never stored (DESIGN.md, point 8).
                isolation_level="read_committed",
                allow_auto_create_topics=stream.auto_create_topic,
            )
        )
        install_record_reader(kafka)
        # kafka-python 3.0 keeps allow_auto_create_topics to itself: its metadata requests
        # still ask the broker to create a missing subscribed topic (seen with 3.0.12).
        kafka._cluster.config["allow_auto_create_topics"] = stream.auto_create_topic
        dead_letters = opened(
            partial(DeadLetterPublisher, **common, topic=stream.dlq_topic, group_id=stream.group_id)
        )
    except KafkaError as exc:
        raise ServiceUnavailableError(
            f"no Kafka broker answers at {settings.kafka_bootstrap_servers} ({exc}). Is it "
            "running (`make up`), and is KAFKA_BOOTSTRAP_SERVERS right?"
        ) from None
    return kafka, dead_letters


def _install_signal_handlers(*loops: ConsumerLoop) -> None:
    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("stop requested; finishing the current batch", extra={"signal": signum})
        for loop in loops:
            loop.request_stop()

    def override_breaker(_signum: int, _frame: FrameType | None) -> None:
        logger.info("SIGUSR1: the operator lets the invalid records through")
        for loop in loops:
            loop.request_breaker_override()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGUSR1, override_breaker)
