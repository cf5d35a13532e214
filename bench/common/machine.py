"""Details of the machine and software a benchmark ran on, for the JSON next to each
report: a figure means little without them."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psycopg

from bench.common.child import REPO
from pulse.errors import ConfigError
from stack.paths import read_versions

_PACKAGES = ("kafka-python", "psycopg", "psycopg-binary", "crc32c", "pydantic", "prometheus-client")
_POSTGRES_SETTINGS = ("shared_buffers", "synchronous_commit", "fsync", "wal_level", "max_wal_size")


def describe(database_url: str) -> dict[str, Any]:
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "kafka": _kafka_version(),
        "postgresql": _postgres(database_url),
        "packages": {name: _package_version(name) for name in _PACKAGES},
        "git_commit": _git_commit(),
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _kafka_version() -> str:
    """The broker version pinned in stack/kafka/pom.xml (what the local stack runs)."""
    try:
        return read_versions().kafka
    except ConfigError:
        return "unknown"


def _postgres(database_url: str) -> dict[str, Any]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select version()").fetchone()
        settings = {
            name: conn.execute("select current_setting(%s)", (name,)).fetchone()
            for name in _POSTGRES_SETTINGS
        }
    return {
        "version": row[0] if row else "unknown",
        "settings": {name: value[0] if value else None for name, value in settings.items()},
    }


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}{' (with uncommitted changes)' if dirty else ''}"
