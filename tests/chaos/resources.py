"""What a long-running consumer holds, sampled from outside: resident memory and open file
descriptors from /proc, and PostgreSQL connections to its database from pg_stat_activity;
and the rule that says whether they stayed flat."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

MIB = 1024 * 1024
# Memory is flat when the last quarter's median RSS is within this of the second
# quarter's (the first quarter is warm-up: imports, caches, the first full batches).
RSS_GROWTH_SHARE = 0.10
RSS_GROWTH_SLACK_BYTES = 20 * MIB
# Kafka clients may hold one more socket for a moment while they reconnect or refresh
# metadata; a leak grows without bound and passes this quickly.
FD_SLACK = 2
MIN_SAMPLES = 8

# Client connections only: autovacuum workers show up in the same view, on the same
# database, after the first large writes.
_CONNECTIONS_SQL = (
    "select count(*) from pg_stat_activity where datname = %s and backend_type = 'client backend'"
)


@dataclass(frozen=True, slots=True)
class Sample:
    at_s: float
    rss_bytes: int
    fds: int
    connections: int


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ProcessLookupError(f"no VmRSS for pid {pid}: has it exited?")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def database_name(database_url: str) -> str:
    return str(conninfo_to_dict(database_url)["dbname"])


@dataclass
class ResourceSampler:
    """Samples `pid` and the connections to `database_url`'s database (counted through
    `admin_database_url`, which is another database, so the sampler is not counted)."""

    pid: int
    database_url: str
    admin_database_url: str
    samples: list[Sample] = field(default_factory=list)
    _started: float = field(default_factory=time.monotonic)

    def sample(self) -> Sample:
        with psycopg.connect(self.admin_database_url, autocommit=True) as conn:
            row = conn.execute(_CONNECTIONS_SQL, (database_name(self.database_url),)).fetchone()
        taken = Sample(
            at_s=time.monotonic() - self._started,
            rss_bytes=rss_bytes(self.pid),
            fds=open_fds(self.pid),
            connections=int(row[0]) if row else 0,
        )
        self.samples.append(taken)
        return taken


def _quarters(values: Sequence[int]) -> tuple[list[int], list[int]]:
    """(second quarter, last quarter) of a series."""
    n = len(values)
    return list(values[n // 4 : n // 2]), list(values[n - n // 4 :])


def flatness_problems(samples: Sequence[Sample]) -> list[str]:
    """Empty when memory, descriptors and connections stayed flat after the warm-up."""
    if len(samples) < MIN_SAMPLES:
        return [f"only {len(samples)} samples; at least {MIN_SAMPLES} are needed to judge"]
    problems: list[str] = []
    second, last = _quarters([s.rss_bytes for s in samples])
    before, after = statistics.median(second), statistics.median(last)
    allowed = before * (1 + RSS_GROWTH_SHARE) + RSS_GROWTH_SLACK_BYTES
    if after > allowed:
        problems.append(
            f"RSS grew: last-quarter median {after / MIB:.1f} MiB > {allowed / MIB:.1f} MiB "
            f"(second-quarter median {before / MIB:.1f} MiB + 10% + 20 MiB)"
        )
    second, last = _quarters([s.fds for s in samples])
    if max(last) > max(second) + FD_SLACK:
        problems.append(
            f"open file descriptors grew: {max(last)} in the last quarter, "
            f"{max(second)} in the second"
        )
    second, last = _quarters([s.connections for s in samples])
    if max(last) > max(second):
        problems.append(
            f"PostgreSQL connections grew: {max(last)} in the last quarter, "
            f"{max(second)} in the second"
        )
    return problems


def summary(samples: Sequence[Sample]) -> str:
    """first / median / max of each series, for the report."""
    if not samples:
        return "no samples"

    def stats(values: list[float], unit: str, digits: int) -> str:
        median = statistics.median(values)
        return f"{values[0]:.{digits}f} / {median:.{digits}f} / {max(values):.{digits}f}{unit}"

    rss = [s.rss_bytes / MIB for s in samples]
    fds = [float(s.fds) for s in samples]
    conns = [float(s.connections) for s in samples]
    return (
        f"{len(samples)} samples over {samples[-1].at_s:.0f} s, first / median / max: "
        f"RSS {stats(rss, ' MiB', 1)}; open fds {stats(fds, '', 0)}; "
        f"PostgreSQL connections {stats(conns, '', 0)}"
    )
