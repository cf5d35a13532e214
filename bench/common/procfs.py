"""CPU time and memory of processes, read from Linux's /proc (no psutil): the benchmark's
window on the consumer, the broker and PostgreSQL.

Every reader returns None for a process that is gone, since processes may exit between
listing them and reading them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")
_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class ProcStat:
    """The fields of /proc/<pid>/stat that the benchmark uses, CPU in seconds."""

    pid: int
    parent_pid: int
    cpu_s: float  # user + system time of the process itself (all threads)
    reaped_children_cpu_s: float  # of children it has waited for (cutime + cstime)


def stat(pid: int) -> ProcStat | None:
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    rest = text[text.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(value) for value in rest[11:15])
    return ProcStat(
        pid=pid,
        parent_pid=int(rest[1]),
        cpu_s=(utime + stime) / _TICKS_PER_S,
        reaped_children_cpu_s=(cutime + cstime) / _TICKS_PER_S,
    )


def rss_bytes(pid: int) -> int | None:
    """Resident set size now (VmRSS)."""
    return _status_bytes(pid, "VmRSS:")


def peak_rss_bytes(pid: int) -> int | None:
    """The highest resident set size of the process's current program so far (VmHWM)."""
    return _status_bytes(pid, "VmHWM:")


def _status_bytes(pid: int, field: str) -> int | None:
    try:
        lines = (_PROC / str(pid) / "status").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return None


def command_line(pid: int) -> str:
    """The command line as one string ('' for a gone process); PostgreSQL rewrites its
    own to say what each process is (`postgres: 15/main: pulse mydb 127.0.0.1(5) idle`)."""
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode("utf-8", errors="replace").strip()


def pids_named(name: str) -> list[int]:
    """Processes whose command name (/proc/<pid>/comm) is exactly `name`."""
    found: list[int] = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if comm == name:
            found.append(int(entry.name))
    return found


def machine_busy_s() -> float:
    """CPU seconds every core spent not idle since boot (from /proc/stat), to show how
    busy the whole machine was during a measurement."""
    fields = (_PROC / "stat").read_text(encoding="utf-8").splitlines()[0].split()[1:]
    ticks = [int(value) for value in fields[:8]]  # user nice system idle iowait irq softirq steal
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / _TICKS_PER_S
