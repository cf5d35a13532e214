"""CPU seconds that the Kafka broker and the PostgreSQL server spend while one contender
runs. Both servers are shared with whoever else uses the machine, so PostgreSQL's time
is attributed: the backends of the contender's own database plus the server's shared
background processes (WAL writer, checkpointer, ...), not other databases' backends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bench.common import procfs
from stack.paths import Layout
from stack.process import read_pid

# Processes that serve every database: their work is counted for the contender too.
_SHARED_BACKGROUND = (
    "checkpointer",
    "background writer",
    "walwriter",
    "autovacuum launcher",
    "logical replication launcher",
    "archiver",
)
_PARALLEL_WORKER = re.compile(r"parallel worker for PID (\d+)")


def broker_pid() -> int | None:
    """The local stack's broker (its pid file), else any `java ... kafka.Kafka` process."""
    pid = read_pid(Layout.default().kafka_pid)
    if pid is not None and procfs.stat(pid) is not None:
        return pid
    for candidate in procfs.pids_named("java"):
        if "kafka.Kafka" in procfs.command_line(candidate):
            return candidate
    return None


class BrokerCpu:
    """CPU seconds of the broker process (all its threads) since this meter was made."""

    def __init__(self, pid: int | None) -> None:
        self._pid = pid
        first = procfs.stat(pid) if pid is not None else None
        self._first = first.cpu_s if first else None
        self._last = self._first

    def sample(self) -> None:
        if self._pid is None:
            return
        now = procfs.stat(self._pid)
        if now is not None:
            self._last = now.cpu_s

    def seconds(self) -> float | None:
        if self._first is None or self._last is None:
            return None
        return self._last - self._first


@dataclass
class PostgresCpu:
    """CPU seconds of PostgreSQL since this meter was made, two ways:

    - `attributed_s()`: backends (and autovacuum and parallel workers) of `database`, plus
      the shared background processes. Sampled, so a backend that exits loses at most
      one sampling interval of CPU.
    - `server_s()`: every PostgreSQL process, exact (live processes plus the children the
      postmaster has reaped), but it includes other databases' work. None if the server
      restarted in between.
    """

    database: str | None
    _first: dict[int, float] = field(default_factory=dict)
    _last: dict[int, float] = field(default_factory=dict)
    _counted: set[int] = field(default_factory=set)
    _postmaster: int | None = None
    _server_first: float | None = None
    _server_last: float | None = None

    def __post_init__(self) -> None:
        self._postmaster, total = self._scan(initial=True)
        self._server_first = self._server_last = total

    def sample(self) -> None:
        postmaster, total = self._scan(initial=False)
        if postmaster != self._postmaster:
            self._server_last = None  # restarted: the exact figure is lost
        elif self._server_last is not None:
            self._server_last = total

    def attributed_s(self) -> float:
        return sum(self._last[pid] - self._first.get(pid, 0.0) for pid in self._counted)

    def server_s(self) -> float | None:
        if self._server_first is None or self._server_last is None:
            return None
        return self._server_last - self._server_first

    def _scan(self, *, initial: bool) -> tuple[int | None, float]:
        stats = [s for s in map(procfs.stat, procfs.pids_named("postgres")) if s is not None]
        postgres_pids = {s.pid for s in stats}
        postmaster: int | None = None
        total = 0.0
        for s in stats:
            total += s.cpu_s
            if s.parent_pid not in postgres_pids:
                postmaster = s.pid
                total += s.reaped_children_cpu_s
            if initial:
                self._first[s.pid] = s.cpu_s
            self._last[s.pid] = s.cpu_s
            if s.pid not in self._counted and self._is_counted(s.pid, postmaster == s.pid):
                self._counted.add(s.pid)
        return postmaster, total

    def _is_counted(self, pid: int, is_postmaster: bool) -> bool:
        if is_postmaster:
            return True
        title = procfs.command_line(pid)
        if any(title.endswith(name) for name in _SHARED_BACKGROUND):
            return True
        parallel = _PARALLEL_WORKER.search(title)
        if parallel:
            return int(parallel.group(1)) in self._counted
        # A backend's title is `postgres: <cluster>: <role> <database> <host> <state>`.
        return self.database is not None and f" {self.database} " in f" {title} "
