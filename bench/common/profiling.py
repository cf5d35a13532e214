"""Profiles a benchmark's child with py-spy (sampling from outside the process, so the
profiled run keeps its speed) and sums the samples up: per thread, the functions with
the most samples of their own and the most samples anywhere on the stack. py-spy skips
threads that are waiting, so samples stand for CPU time."""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pulse.errors import PulseError

SAMPLE_RATE_HZ = 100
_MIN_THREAD_SHARE = 0.02  # threads with less than this share of the samples are left out
# "name (path/to/file.py:123)": the line number is dropped so a function counts once.
_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>.*?)(?::\d+)?\)$")
_SITE_PACKAGES = re.compile(r".*/(?:site|dist)-packages/")
_REPO_ROOT = str(Path(__file__).resolve().parents[2]) + "/"
_PROJECT_PACKAGES = ("api/", "bench/", "consumer/", "producer/", "pulse/", "stack/")


class ProfilerMissingError(PulseError, RuntimeError):
    """py-spy is not installed."""


def py_spy() -> str:
    """The py-spy next to this interpreter, else on PATH; raises if neither exists."""
    beside = Path(sys.executable).parent / "py-spy"
    spy = str(beside) if beside.exists() else shutil.which("py-spy")
    if spy is None:
        raise ProfilerMissingError(
            "--profile needs py-spy, which is not installed: `.venv/bin/pip install py-spy` "
            "(it is in the project's dev extras, `pip install -e '.[dev]'`)"
        )
    return spy


def py_spy_command(raw_output: Path, command: Sequence[str]) -> list[str]:
    """`command` run under `py-spy record`, writing collapsed stacks to `raw_output`."""
    return [
        py_spy(),
        "record", "--format", "raw", "--threads", "--nonblocking",
        "--rate", str(SAMPLE_RATE_HZ), "--output", str(raw_output), "--", *command,
    ]  # fmt: skip


@dataclass
class ThreadProfile:
    samples: int = 0
    own: Counter[str] = field(default_factory=Counter)
    anywhere: Counter[str] = field(default_factory=Counter)
    roots: Counter[str] = field(default_factory=Counter)


def _frame(text: str) -> str:
    match = _FRAME.match(text)
    if match is None:
        return text
    path = _SITE_PACKAGES.sub("", match["file"]).removeprefix(_REPO_ROOT)
    return f"{match['name']} ({path})"


def read_collapsed(raw: Path) -> dict[str, ThreadProfile]:
    """py-spy's raw format: `thread (id);frame;frame;... count`, outermost frame first."""
    threads: dict[str, ThreadProfile] = {}
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        thread, *frames = stack.split(";")
        count = int(count_text)
        profile = threads.setdefault(thread, ThreadProfile())
        names = [_frame(f) for f in frames] or ["(no Python frame)"]
        profile.samples += count
        profile.own[names[-1]] += count
        for name in set(names):
            profile.anywhere[name] += count
        # The thread's own entry point: the first frame of the project, else the outermost.
        ours = [n for n in names if n.partition(" (")[2].startswith(_PROJECT_PACKAGES)]
        profile.roots[ours[0] if ours else names[0]] += count
    return threads


def top_functions(raw: Path, *, limit: int = 20) -> str:
    """For each busy thread: its share of the samples, then the `limit` functions with
    the most samples of their own and the `limit` with the most samples in all."""
    threads = read_collapsed(raw)
    total = sum(t.samples for t in threads.values()) or 1
    parts = [f"{total:,} samples at {SAMPLE_RATE_HZ} Hz ({total / SAMPLE_RATE_HZ:.1f} s of CPU)"]
    for name, thread in sorted(threads.items(), key=lambda kv: -kv[1].samples):
        if thread.samples / total < _MIN_THREAD_SHARE:
            continue
        root = thread.roots.most_common(1)[0][0]
        parts += ["", f"{name}, entered at {root}: {thread.samples / total:.0%} of all samples"]
        parts += ["by own samples:", *_rows(thread.own, thread.samples, limit)]
        parts += ["by samples anywhere on its stack:"]
        parts += _rows(thread.anywhere, thread.samples, limit)
    return "\n".join(parts)


def _rows(counts: Counter[str], samples: int, limit: int) -> list[str]:
    return [f"  {n / samples:6.1%}  {name}" for name, n in counts.most_common(limit)]
