"""The data-quality metrics of the consumer's /metrics, and the periodic job that keeps
them current: every QUALITY_CHECK_INTERVAL_S it exports the newest stored run when one is
recent (another consumer, or `consumer check`, ran it), and otherwise runs the checks
itself and stores them, so N consumers do not scan the facts N times."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from prometheus_client import CollectorRegistry, Gauge

from consumer.quality.checks import QualityRun, latest_run, run_checks, store_run
from pulse.errors import first_line
from pulse.secrets import redact

logger = logging.getLogger(__name__)

# Any fixed 64-bit number: only one process runs the checks at a time, the others wait
# for its results instead of scanning the facts too.
_RUN_LOCK_KEY = 0x5055_4C53_4500_0002


class QualityMetrics:
    """`pulse_quality_*` and `pulse_table_rows`, set from one run at a time."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.failing_rows = Gauge(
            "pulse_quality_check_failing_rows",
            "Rows failing a data-quality check in its latest run (0: passed), by check and table",
            ["check", "table"],
            registry=registry,
        )
        self.checked_rows = Gauge(
            "pulse_quality_check_checked_rows",
            "Rows a data-quality check judged in its latest run, by check and table",
            ["check", "table"],
            registry=registry,
        )
        self.table_rows = Gauge(
            "pulse_table_rows",
            "Exact row count of a table of facts, dimensions or aggregates at the latest run",
            ["table"],
            registry=registry,
        )
        self.table_rows_delta = Gauge(
            "pulse_table_rows_delta",
            "Row count of a table at the latest run minus the run before it (absent until a "
            "second run)",
            ["table"],
            registry=registry,
        )
        self.last_run = Gauge(
            "pulse_quality_last_run_timestamp_seconds",
            "Unix time of the latest data-quality run exported here",
            registry=registry,
        )

    def export(self, run: QualityRun) -> None:
        for count in run.counts:
            self.table_rows.labels(count.table).set(count.rows)
            if count.delta is not None:
                self.table_rows_delta.labels(count.table).set(count.delta)
        for result in run.results:
            self.failing_rows.labels(result.check, result.table).set(result.failing_rows)
            self.checked_rows.labels(result.check, result.table).set(result.checked_rows)
        self.last_run.set(run.checked_at.timestamp())


class QualityJob:
    """A daemon thread with its own connection; a failed run is logged and retried at the
    next interval, never stopping the consumer."""

    def __init__(
        self,
        url: str,
        metrics: QualityMetrics,
        *,
        interval_s: float,
        clock_skew_seconds: float,
        late_horizon_days: float,
    ) -> None:
        self._url = url
        self._metrics = metrics
        self._interval_s = interval_s
        self._window = {
            "clock_skew_seconds": clock_skew_seconds,
            "late_horizon_days": late_horizon_days,
        }
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pulse-quality", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except (psycopg.Error, OSError, RuntimeError) as exc:
                logger.warning(
                    "data-quality run failed; retrying in %.0f s: %s",
                    self._interval_s,
                    redact(first_line(exc), [self._url]),
                )
            self._stop.wait(self._interval_s)

    def run_once(self) -> QualityRun:
        with psycopg.connect(
            self._url, autocommit=True, connect_timeout=5, application_name="pulse-quality"
        ) as conn:
            run = self._fresh_or_new(conn)
        self._metrics.export(run)
        return run

    def _fresh_or_new(self, conn: psycopg.Connection[Any]) -> QualityRun:
        # Fresh enough: younger than 90% of the interval, so the next tick runs again.
        fresh_after = datetime.now(UTC) - timedelta(seconds=0.9 * self._interval_s)
        stored = latest_run(conn)
        if stored is not None and stored.checked_at >= fresh_after:
            return stored
        conn.execute("select pg_advisory_lock(%s)", (_RUN_LOCK_KEY,))
        try:
            # Whoever held the lock may just have stored a run.
            stored = latest_run(conn)
            if stored is not None and stored.checked_at >= fresh_after:
                return stored
            run = run_checks(conn, **self._window)
            store_run(conn, run)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (_RUN_LOCK_KEY,))
        if run.failed:
            logger.warning(
                "data-quality checks failed",
                extra={"failed": ", ".join(f"{r.check}({r.table})" for r in run.failed)},
            )
        return run
