"""Scrapes the consumer's Prometheus endpoint while it runs: progress for the watcher, and
the last commit time and time split for the report."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

RECORDS_TOTAL = "pulse_records_total"  # by outcome: stored, duplicate, dead_lettered
LAST_COMMIT = "pulse_last_commit_timestamp_seconds"


class MetricsProbe:
    """Callable progress source: records with a final outcome so far, or None while the
    endpoint does not answer yet. Keeps the last successful scrape in `values`."""

    def __init__(self, port: int, *, host: str = "127.0.0.1") -> None:
        self._url = f"http://{host}:{port}/metrics"
        self.values: dict[str, float] = {}
        self.first_progress_at: float | None = None  # wall clock of the first scrape > 0

    def __call__(self) -> int | None:
        try:
            with urllib.request.urlopen(self._url, timeout=1.0) as response:
                text = response.read().decode("utf-8")
        except (urllib.error.URLError, OSError):
            return None
        values: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                # Sum over labels: the benchmark only needs totals.
                values[sample.name] = values.get(sample.name, 0.0) + sample.value
        self.values = values
        done = int(values.get(RECORDS_TOTAL, 0))
        if done and self.first_progress_at is None:
            self.first_progress_at = time.time()
        return done

    def get(self, name: str) -> float | None:
        return self.values.get(name)
