"""An exclusive lock between processes on one machine (flock on a file under .stack/), so
that two `make up` runs, or a test resolving the broker's jars while `make up` does, take
turns instead of writing the same files at once. The kernel drops the lock when its holder
dies, however it dies: a killed run never blocks the next one."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from stack.errors import StackError

_POLL_S = 0.2


class LockTimeoutError(StackError, TimeoutError):
    """Another process held the lock longer than we are willing to wait."""


@contextmanager
def exclusive(
    path: Path,
    *,
    what: str,
    timeout_s: float,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the `with` block.

    When another process holds it, `waiting` is told once (with that holder's pid, as it
    wrote it) and this waits up to `timeout_s`. The lock file holds the pid of its last
    holder; it is never removed (removing it would let two processes lock two files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="ascii") as handle:
        if not _try_lock(handle.fileno()):
            holder = _holder(path)
            if waiting is not None:
                waiting(holder)
            deadline = time.monotonic() + timeout_s
            while not _try_lock(handle.fileno()):
                if time.monotonic() >= deadline:
                    raise LockTimeoutError(
                        f"another process ({holder}) has been {what} for over "
                        f"{timeout_s:.0f} s (lock {path}): wait for it to finish, or stop it, "
                        "then retry."
                    )
                time.sleep(_POLL_S)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except OSError:
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"
