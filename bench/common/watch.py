"""Runs one contender as a child process and watches it: CPU of the child (exact, from
wait4's rusage), its peak RSS (VmHWM, sampled), its RSS over time and at 25/50/75/100 %
progress, and the CPU that the broker and PostgreSQL spend meanwhile."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import procfs
from bench.common.child import spawn
from bench.common.servers import BrokerCpu, PostgresCpu, broker_pid

MILESTONES_PERCENT = (25, 50, 75, 100)
_STOP_GRACE_S = 20.0


@dataclass(frozen=True, slots=True)
class WatchLimits:
    interval_s: float = 0.5
    max_seconds: float = 1800.0
    # Without progress for this long (when progress is observable), the child is stopped.
    stall_seconds: float = 120.0


@dataclass(slots=True)
class ChildRun:
    exit_code: int
    spawned_at: float  # wall clock (time.time()), comparable with the child's own stamps
    ended_at: float
    cpu_s: float
    peak_rss_bytes: int
    broker_cpu_s: float | None
    postgres_cpu_s: float
    postgres_server_cpu_s: float | None
    machine_busy_s: float
    stopped_because: str | None = None  # set when the watcher had to stop the child
    rss_at_percent: dict[int, int] = field(default_factory=dict)
    rss_samples: list[tuple[float, int]] = field(default_factory=list)  # (s since spawn, B)


def watch(
    command: Sequence[str],
    *,
    stdout_path: Path,
    log_path: Path,
    database: str | None,
    expected: int,
    progress: Callable[[], int | None] | None = None,
    limits: WatchLimits = WatchLimits(),
) -> ChildRun:
    """Start `command`, sample it every `limits.interval_s` until it exits, and measure.

    `progress()` (optional) returns records handled so far, or None if not known yet.
    """
    broker = BrokerCpu(broker_pid())
    postgres = PostgresCpu(database)
    busy_before = procfs.machine_busy_s()
    spawned_at = time.time()
    started = time.monotonic()
    child = spawn(command, stdout=stdout_path, stderr=log_path)
    rss_at: dict[int, int] = {}
    samples: list[tuple[float, int]] = []
    peak_rss = 0
    stopped_because: str | None = None
    last_done, last_change = -1, started
    kill_at = float("inf")
    while True:
        # wait4 rather than Popen.wait: it also hands back the child's rusage.
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        now = time.monotonic()
        rss = procfs.rss_bytes(child.pid)
        if rss is not None:
            samples.append((round(now - started, 2), rss))
        peak_rss = max(peak_rss, rss or 0, procfs.peak_rss_bytes(child.pid) or 0)
        broker.sample()
        postgres.sample()
        done = progress() if progress is not None else None
        if done is not None:
            if done != last_done:
                last_done, last_change = done, now
            for percent in MILESTONES_PERCENT:
                if percent not in rss_at and rss is not None and done * 100 >= percent * expected:
                    rss_at[percent] = rss
        if stopped_because is None:
            if now - started > limits.max_seconds:
                stopped_because = f"still running after {limits.max_seconds:.0f} s"
            elif progress is not None and now - last_change > limits.stall_seconds:
                stopped_because = f"no progress for {limits.stall_seconds:.0f} s"
            if stopped_because is not None:
                child.send_signal(signal.SIGTERM)
                kill_at = now + _STOP_GRACE_S
        elif now > kill_at:
            child.send_signal(signal.SIGKILL)
        time.sleep(limits.interval_s)
    child.returncode = os.waitstatus_to_exitcode(status)
    ended_at = time.time()
    broker.sample()
    postgres.sample()
    return ChildRun(
        exit_code=child.returncode,
        spawned_at=spawned_at,
        ended_at=ended_at,
        cpu_s=usage.ru_utime + usage.ru_stime,
        # Not wait4's ru_maxrss: Linux carries the forking process's RSS into the child's
        # (exec keeps the old high-water mark), so every contender reported at least what
        # this benchmark process had grown to (368 MiB for all of them, once).
        peak_rss_bytes=peak_rss or usage.ru_maxrss * 1024,  # Linux reports kilobytes
        broker_cpu_s=broker.seconds(),
        postgres_cpu_s=postgres.attributed_s(),
        postgres_server_cpu_s=postgres.server_s(),
        machine_busy_s=procfs.machine_busy_s() - busy_before,
        stopped_because=stopped_because,
        rss_at_percent=rss_at,
        rss_samples=samples,
    )
