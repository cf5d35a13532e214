"""The one way a contender's child process is started, watched and turned into a
measurement: every peer builds its command line and reads its own figures, and leaves
the rest (where its output goes, the watcher, the process figures) to this module."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common.child import log_tail, read_result
from bench.common.watch import ChildRun, WatchLimits, watch
from bench.peers.measurement import Measurement, Workload


@dataclass(frozen=True, slots=True)
class Launched:
    """A child that has exited, with where it left its output: `<stem>.out` (stdout,
    the JSON line of a child that prints one) and `<stem>.log` (stderr)."""

    child: ChildRun
    stem: Path
    database: str | None  # the scratch database it wrote to, None for none

    @property
    def log(self) -> Path:
        return self.stem.with_suffix(".log")

    def result(self) -> dict[str, Any] | None:
        """The child's JSON line, None when it printed none (it failed)."""
        return read_result(self.stem.with_suffix(".out"))

    def log_tail(self, lines: int = 5) -> str:
        return log_tail(self.log, lines)

    def measurement(
        self,
        contender: str,
        run: int,
        *,
        records: int,
        seconds: float,
        complete: bool,
        note: str,
        details: dict[str, object],
        cpu_s: float | None = None,
        rss_at_percent: dict[int, int] | None = None,
    ) -> Measurement:
        """The peer's own figures and details, with what the watcher measured of the
        process: its CPU (unless the peer knows better, `cpu_s`), memory, the broker's and
        PostgreSQL's CPU meanwhile (PostgreSQL's only for a child that had a database)."""
        child = self.child
        own: dict[str, object] = {}
        if self.database is not None:
            own["postgres_server_cpu_s"] = child.postgres_server_cpu_s
        own |= {
            "machine_busy_s": child.machine_busy_s,
            "process_s": child.ended_at - child.spawned_at,
            "exit_code": child.exit_code,
            "stopped_because": child.stopped_because,
        }
        return Measurement(
            contender=contender,
            run=run,
            records=records,
            seconds=seconds,
            cpu_s=child.cpu_s if cpu_s is None else cpu_s,
            peak_rss_bytes=child.peak_rss_bytes,
            broker_cpu_s=child.broker_cpu_s,
            postgres_cpu_s=child.postgres_cpu_s if self.database is not None else None,
            complete=complete,
            note=note,
            rss_at_percent=dict(child.rss_at_percent if rss_at_percent is None else rss_at_percent),
            details=details | own,
        )


def launch(
    command: Sequence[str],
    workload: Workload,
    *,
    stem: Path,
    database: str | None,
    expected: int,
    progress: Callable[[], int | None] | None = None,
) -> Launched:
    """Runs `command` from the repository root until it exits or is stopped after
    `workload.max_seconds`, its output in `<stem>.out` and `<stem>.log`; `progress()`
    (records so far) lets the watcher note memory at 25/50/75/100 % and stop a child
    that stalls."""
    child = watch(
        command,
        stdout_path=stem.with_suffix(".out"),
        log_path=stem.with_suffix(".log"),
        database=database,
        expected=expected,
        progress=progress,
        limits=WatchLimits(max_seconds=workload.max_seconds),
    )
    return Launched(child=child, stem=stem, database=database)
