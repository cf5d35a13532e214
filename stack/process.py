"""Processes the stack starts itself: pid files, detached spawning, identity checks,
bounded stopping, waiting on a readiness probe, and log tails."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pulse.errors import PulseError


def read_pid(pid_file: Path) -> int | None:
    """The pid on the first line of pid_file (PostgreSQL's postmaster.pid has more lines),
    or None when the file is missing or holds no pid."""
    try:
        lines = pid_file.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    text = lines[0].strip() if lines else ""
    return int(text) if text.isdigit() and int(text) > 0 else None


def write_pid(pid_file: Path, pid: int) -> None:
    """Record pid atomically, so a crash mid-write never leaves half a number behind."""
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = pid_file.with_suffix(pid_file.suffix + ".tmp")
    tmp.write_text(f"{pid}\n", encoding="ascii")
    tmp.replace(pid_file)


def remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def is_alive(pid: int) -> bool:
    """True while pid runs. A zombie counts as dead: it holds no port and does no work,
    and a process we detached is reaped by init, not by us."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc: trust kill(0)
    # The state letter follows the command name, which is in parentheses and may hold spaces.
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def cmdline(pid: int) -> str:
    """The command line of pid, space-joined, or '' when it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def is_ours(pid: int, markers: Sequence[str]) -> bool:
    """True when pid is alive and its command line holds every marker. Guards against a
    stale pid file whose number the kernel has since given to an unrelated process."""
    if not is_alive(pid):
        return False
    line = cmdline(pid)
    return bool(line) and all(marker in line for marker in markers)


def running_pid(pid_file: Path, markers: Sequence[str]) -> int | None:
    """The pid in pid_file if that process is ours and alive; a stale file is removed."""
    pid = read_pid(pid_file)
    if pid is not None and is_ours(pid, markers):
        return pid
    remove_file(pid_file)
    return None


_GUARD = Path(__file__).resolve().with_name("guard.py")


def die_with_parent(argv: Sequence[str]) -> list[str]:
    """argv wrapped so that the process gets SIGKILL when this one dies, however it dies
    (stack/guard.py: prctl(PR_SET_PDEATHSIG), then exec, so the pid stays argv's). For the
    helpers a benchmark or test starts (brokers, Kafka Connect, consumers): a SIGKILLed
    wrapper must not leave them holding their ports. Never for the stack's own services,
    which outlive `make up`. Costs one interpreter start (about 20 ms) before argv runs."""
    return [sys.executable, "-I", "-S", str(_GUARD), str(os.getpid()), "--", *argv]


def spawn(
    argv: Sequence[str],
    *,
    log_file: Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    helper: bool = False,
) -> subprocess.Popen[bytes]:
    """Start argv detached: its own session (Ctrl-C in this terminal does not reach it,
    and it outlives this command), stdin closed, stdout and stderr appended to log_file.

    A `helper` (a test's or benchmark's broker) also dies with this process: see
    die_with_parent."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(  # the child keeps its own copy of the log descriptor
            die_with_parent(argv) if helper else list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(pid: int, *, timeout_s: float = 30.0) -> bool:
    """SIGTERM, wait up to timeout_s for a clean exit, then SIGKILL.

    The signal goes to the whole process group when pid leads one (we start every
    service in its own session), so no helper process is left behind. Returns True when
    SIGKILL was needed."""
    target_group = _leads_group(pid)
    _signal(pid, signal.SIGTERM, group=target_group)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not is_alive(pid):
            return False
        time.sleep(0.1)
    _signal(pid, signal.SIGKILL, group=target_group)
    deadline = time.monotonic() + 5.0
    while is_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def _leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def _signal(pid: int, signum: signal.Signals, *, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


class ProcessExitedError(PulseError):
    """Raised by wait_until when the process under test has exited: waiting is futile."""


def wait_until(
    probe: Callable[[], bool],
    *,
    timeout_s: float,
    interval_s: float = 0.5,
    alive: Callable[[], bool] | None = None,
) -> bool:
    """Call probe until it returns True (-> True) or timeout_s passes (-> False).

    alive, when given, is checked between attempts; if it turns False the process has
    died and ProcessExitedError is raised at once instead of waiting out the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        if probe():
            return True
        if alive is not None and not alive():
            raise ProcessExitedError("the process exited before it became ready")
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def tail(path: Path, lines: int = 50) -> list[str]:
    """The last lines of a text file, without reading it all into memory."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=lines)]
    except OSError:
        return []


def run(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    timeout_s: float = 300.0,
) -> subprocess.CompletedProcess[str]:
    """Run a short command to completion, capturing its output (never raising on exit
    status: callers turn failures into errors that say what to do)."""
    return subprocess.run(
        list(argv),
        check=False,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
