"""Shared plumbing of the contenders: how a child process is started and its JSON line
read back."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


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
