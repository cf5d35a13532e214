"""Concurrent `make up` runs are safe: two processes resolving the Kafka jars at once take
turns on a file lock, so Maven runs once and the cache is whole; and the lock itself.

Maven is replaced by a fake `mvn` on PATH that writes the jars slowly and records each
call: the race is the same, without the network."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import cast

import pytest

import stack.__main__ as stack_cli
from stack.config import StackConfig
from stack.locks import LockTimeoutError, exclusive
from stack.paths import Layout, versions

REPO = Path(__file__).resolve().parents[2]

# Writes a few jars into -DoutputDirectory one by one (slowly, so a second run would
# overlap) and appends its pid to $FAKE_MVN_CALLS.
_FAKE_MVN = """#!/usr/bin/env python3
import os, sys, time
from pathlib import Path
out = Path(next(a for a in sys.argv if a.startswith("-DoutputDirectory=")).split("=", 1)[1])
with open(os.environ["FAKE_MVN_CALLS"], "a") as calls:
    calls.write(str(os.getpid()) + "\\n")
out.mkdir(parents=True, exist_ok=True)
for name in ("kafka_2.13-KAFKA.jar", "kafka-clients-KAFKA.jar", "slf4j-api.jar"):
    print("[INFO] Downloaded from central: " + name, flush=True)
    (out / name).write_bytes(b"jar")
    time.sleep(0.7)
"""

_RESOLVE = """
import sys
from pathlib import Path
from stack.kafka.maven import ensure_libs
from stack.paths import Layout, versions
print("downloaded" if ensure_libs(Layout(Path(sys.argv[1])), versions()) else "reused")
"""


def test_two_processes_resolving_the_jars_at_once_run_maven_once(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mvn = bin_dir / "mvn"
    mvn.write_text(_FAKE_MVN.replace("KAFKA", versions().kafka), encoding="utf-8")
    mvn.chmod(0o755)
    calls = tmp_path / "mvn-calls"
    root = tmp_path / "stack"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_MVN_CALLS": str(calls),
    }
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _RESOLVE, str(root)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    for run, (_, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr
    results = sorted(out.strip().splitlines()[-1] for out, _ in outputs)
    assert results == ["downloaded", "reused"], outputs
    assert len(calls.read_text().splitlines()) == 1  # Maven ran once
    layout = Layout(root)
    assert sorted(jar.name for jar in layout.kafka_libs.iterdir()) == sorted(
        name.format(kafka=versions().kafka)
        for name in ("kafka_2.13-{kafka}.jar", "kafka-clients-{kafka}.jar", "slf4j-api.jar")
    )
    assert not (layout.kafka_dir / "libs.partial").exists()
    waited = next(err for out, err in outputs if "reused" in out)
    both = waited + next(out for out, _ in outputs if "reused" in out)
    assert "is resolving the Kafka jars: waiting for it" in both


def test_the_lock_makes_a_second_holder_wait_and_names_the_first(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    order: list[str] = []
    told: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with exclusive(lock, what="testing", timeout_s=10):
            holding.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(5)
    with exclusive(lock, what="testing", timeout_s=10, waiting=told.append):
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]
    assert told == [f"pid {os.getpid()}"]


def test_a_lock_held_too_long_is_one_clear_error(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(LockTimeoutError, match=rf"another process \(pid {holder.pid}\)"),
            exclusive(lock, what="resolving the jars", timeout_s=0.5),
        ):
            pass
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    # The kernel dropped the killed holder's lock: the next one gets it at once.
    with exclusive(lock, what="resolving the jars", timeout_s=0.5):
        pass


_HOLD = """
import sys, time
from pathlib import Path
from stack.locks import exclusive
with exclusive(Path(sys.argv[1]), what="holding", timeout_s=1):
    print("held", flush=True)
    time.sleep(60)
"""


_HOLD_BRIEFLY = """
import sys, time
from pathlib import Path
from stack.locks import exclusive
with exclusive(Path(sys.argv[1]), what="holding", timeout_s=1):
    print("held", flush=True)
    time.sleep(1.0)
"""


def test_a_second_up_waits_for_the_first_then_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran_at: list[float] = []

    def fake_up(_config: StackConfig, _layout: Layout) -> int:
        ran_at.append(time.time())
        return 0

    monkeypatch.setattr(stack_cli, "_up", fake_up)
    first = subprocess.Popen(
        [sys.executable, "-c", _HOLD_BRIEFLY, str(tmp_path / "up.lock")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert first.stdout is not None
    assert first.stdout.readline().strip() == "held"
    held_at = time.time()
    assert stack_cli.cmd_up(cast(StackConfig, None), Layout(tmp_path)) == 0
    first.communicate(timeout=10)
    assert first.returncode == 0
    assert len(ran_at) == 1
    assert ran_at[0] - held_at >= 0.8  # only once the first one let go (after 1 s)
    assert f"another `make up` (pid {first.pid}) is starting the stack" in capsys.readouterr().out
