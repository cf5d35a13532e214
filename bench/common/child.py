"""How the benchmarks start a child process (this interpreter, the repo as working
directory, unbuffered output, dead with the benchmark) and read back what it printed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from stack.process import die_with_parent

REPO = Path(__file__).resolve().parents[2]


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def child_env() -> dict[str, str]:
    # Pulse's periodic data-quality scan would be measured as ingest cost: off here.
    return {**os.environ, "PYTHONUNBUFFERED": "1", "QUALITY_CHECK_INTERVAL_S": "0"}


def spawn(
    command: Sequence[str], *, stdout: Path, stderr: Path | None = None
) -> subprocess.Popen[bytes]:
    """Starts `command` from the repository root, its output in `stdout` (and its errors
    in `stderr`, or the same file). Its own process group, and dead with this process
    however that ends: a benchmark stopped by SIGKILL leaves no consumer behind."""
    with ExitStack() as files:
        out = files.enter_context(stdout.open("wb"))
        err = files.enter_context(stderr.open("wb")) if stderr is not None else out
        return subprocess.Popen(
            die_with_parent(command),
            cwd=REPO,
            env=child_env(),
            stdout=out,
            stderr=err,
            start_new_session=True,
        )


def read_result(stdout_path: Path) -> dict[str, Any] | None:
    """The child's one JSON line, or None when it printed none (it failed)."""
    lines = stdout_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    if not lines:
        return None
    try:
        result = json.loads(lines[-1])
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def log_tail(log_path: Path, lines: int = 5) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now, for a child's metrics endpoint."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
