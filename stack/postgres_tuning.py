"""The local PostgreSQL's server settings for Pulse's write load: a `pulse.conf` in the
cluster's conf.d, written before the stack starts the server. Debian's defaults (128 MB of
shared buffers, a checkpoint per 1 GB of WAL) made PostgreSQL's CPU per event grow with
the database; docs/benchmarks.md ("Ingest cost as the database grows") has the figures."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CONF_NAME = "pulse.conf"
# The usual rule for a dedicated server: a quarter of the memory, within these bounds.
_SHARE_OF_MEMORY = 4
_MIN_SHARED_BUFFERS_MB = 128
_MAX_SHARED_BUFFERS_MB = 8192


@dataclass(frozen=True, slots=True)
class ServerTuning:
    """The values `pulse.conf` sets; the rest are fixed below, each with its reason."""

    shared_buffers_mb: int
    max_wal_size_mb: int

    def conf_text(self) -> str:
        return "\n".join(
            [
                "# Written by `make up` (stack/postgres_tuning.py) for Pulse's write load;",
                "# POSTGRES_SHARED_BUFFERS_MB and POSTGRES_MAX_WAL_SIZE_MB change it.",
                "# The dedup index, the users' and the items' rows are touched at random:",
                "# they must stay in shared buffers as the history grows.",
                f"shared_buffers = '{self.shared_buffers_mb}MB'",
                "# Every first change of a page after a checkpoint writes the whole page",
                "# to the WAL: fewer checkpoints, compressed pages.",
                f"max_wal_size = '{self.max_wal_size_mb}MB'",
                "checkpoint_timeout = '15min'",
                "wal_compression = 'lz4'",
                "",
            ]
        )


# Where a container's memory limit is (cgroup v2, then v1): a machine's memory is not
# this process's when the limit is lower.
_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


def available_memory_bytes(limits: tuple[Path, ...] = _CGROUP_LIMITS) -> int:
    """The machine's memory, or the container's limit when that is lower."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in limits:
        try:
            text = path.read_text(encoding="ascii").strip()
        except OSError:
            continue
        if text.isdigit():
            memory = min(memory, int(text))
    return memory


def default_shared_buffers_mb(memory_bytes: int | None = None) -> int:
    """A quarter of the memory available here, between 128 MB and 8 GB."""
    if memory_bytes is None:
        memory_bytes = available_memory_bytes()
    quarter_mb = memory_bytes // _SHARE_OF_MEMORY // (1024 * 1024)
    return max(_MIN_SHARED_BUFFERS_MB, min(_MAX_SHARED_BUFFERS_MB, quarter_mb))


def write_conf(conf_dir: Path, tuning: ServerTuning) -> bool:
    """Write `pulse.conf` into `conf_dir` (the cluster's conf.d); True when it changed, so
    that a running server must restart to apply it."""
    path = conf_dir / CONF_NAME
    text = tuning.conf_text()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    conf_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")  # not *.conf: the server never reads half a file
    temporary.write_text(text, encoding="utf-8")
    os.chmod(temporary, 0o644)
    temporary.replace(path)
    return True
