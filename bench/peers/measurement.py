"""What every contender is given (the workload) and what it hands back (a measurement)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pulse.settings import Settings


@dataclass(frozen=True, slots=True)
class Workload:
    """The pre-loaded topic that every contender of one invocation reads, and where the
    contenders may create databases and leave their logs."""

    settings: Settings
    topic: str
    partitions: int
    records: int  # on the topic
    admin_database_url: str  # a role allowed to create databases
    workdir: Path
    exit_when_idle_s: float = 2.0
    naive_limit: int = 20_000
    max_seconds: float = 1800.0  # a contender still running then is stopped


@dataclass(slots=True)
class Measurement:
    contender: str
    run: int
    records: int  # records handled inside the measured window
    seconds: float  # length of the measured window
    cpu_s: float  # of the contender's process, whole life
    peak_rss_bytes: int
    broker_cpu_s: float | None
    postgres_cpu_s: float | None
    complete: bool  # handled every record it was meant to, and exited cleanly
    note: str = ""
    rss_at_percent: dict[int, int] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)

    @property
    def events_per_s(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def per_thousand(self, cpu_s: float | None) -> float | None:
        """CPU seconds per 1,000 records handled."""
        if cpu_s is None or not self.records:
            return None
        return cpu_s * 1000 / self.records


class Contender(Protocol):
    """One way of draining the workload; measured once per run, in its own process."""

    @property
    def name(self) -> str: ...

    def measure(self, workload: Workload, run: int) -> Measurement: ...
