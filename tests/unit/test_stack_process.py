"""Pid files, liveness and identity checks, bounded stopping and waiting, on real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stack import process

_SLEEPER = "import time; time.sleep(60)"
_STUBBORN = (
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def test_pid_file_round_trip(tmp_path: Path) -> None:
    pid_file = tmp_path / "nested" / "svc.pid"
    process.write_pid(pid_file, 4242)
    assert process.read_pid(pid_file) == 4242
    assert not list(pid_file.parent.glob("*.tmp"))  # the atomic write left no scratch file


@pytest.mark.parametrize("content", ["", "abc", "-5", "0", "12 34", "\x00\x01"])
def test_garbage_pid_file_reads_as_none(tmp_path: Path, content: str) -> None:
    pid_file = tmp_path / "svc.pid"
    pid_file.write_text(content, encoding="latin-1")
    assert process.read_pid(pid_file) is None


def test_pid_is_read_from_the_first_line(tmp_path: Path) -> None:
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text("321\n/var/lib/postgresql/15/main\n1700000000\n5432\n", encoding="ascii")
    assert process.read_pid(pid_file) == 321


def test_missing_pid_file_reads_as_none(tmp_path: Path) -> None:
    assert process.read_pid(tmp_path / "absent.pid") is None


def test_liveness_and_identity_of_this_process() -> None:
    me = os.getpid()
    assert process.is_alive(me)
    assert "python" in process.cmdline(me)
    assert process.is_ours(me, ["python"])
    assert not process.is_ours(me, ["python", "kafka.Kafka"])


def test_a_reaped_process_is_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process.is_alive(child.pid)


def test_an_unreaped_exited_child_counts_as_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    time.sleep(0.5)  # exits at once and stays a zombie until waited on
    try:
        assert process.wait_until(lambda: not process.is_alive(child.pid), timeout_s=5)
    finally:
        child.wait()


def test_running_pid_removes_a_stale_pid_file(tmp_path: Path) -> None:
    pid_file = tmp_path / "svc.pid"
    process.write_pid(pid_file, os.getpid())
    # Our own pid, but not the command line the service would have: a recycled pid.
    assert process.running_pid(pid_file, ["kafka.Kafka"]) is None
    assert not pid_file.exists()


def test_spawn_detaches_logs_and_stop_ends_the_process(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "svc.log"
    proc = process.spawn(
        [sys.executable, "-c", f"print('hello from child', flush=True); {_SLEEPER}"],
        log_file=log,
        cwd=tmp_path,
    )
    try:
        assert os.getpgid(proc.pid) == proc.pid  # its own session and process group
        assert process.wait_until(lambda: "hello from child" in log.read_text(), timeout_s=10)
        assert process.stop(proc.pid, timeout_s=10) is False  # SIGTERM was enough
        proc.wait(timeout=5)
        assert not process.is_alive(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def test_stop_escalates_to_sigkill_after_the_bound(tmp_path: Path) -> None:
    log = tmp_path / "stubborn.log"
    proc = process.spawn([sys.executable, "-c", _STUBBORN], log_file=log, cwd=tmp_path)
    try:
        assert process.wait_until(lambda: "ready" in log.read_text(), timeout_s=10)
        started = time.monotonic()
        assert process.stop(proc.pid, timeout_s=0.5) is True
        assert time.monotonic() - started < 5
        assert proc.wait(timeout=5) == -9
    finally:
        proc.kill()
        proc.wait()


def test_wait_until_times_out_with_false() -> None:
    started = time.monotonic()
    assert process.wait_until(lambda: False, timeout_s=0.3, interval_s=0.05) is False
    assert time.monotonic() - started < 2


def test_wait_until_gives_up_at_once_when_the_process_died() -> None:
    with pytest.raises(process.ProcessExitedError):
        process.wait_until(lambda: False, timeout_s=60, interval_s=0.01, alive=lambda: False)


def test_tail_returns_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    log.write_text("".join(f"line {n}\n" for n in range(1000)), encoding="utf-8")
    assert process.tail(log, 3) == ["line 997", "line 998", "line 999"]
    assert process.tail(tmp_path / "missing.log") == []


def test_a_guarded_command_keeps_its_pid_and_output() -> None:
    # exec, not a child: wait4, stop() and pid files see the helper itself.
    argv = process.die_with_parent([sys.executable, "-c", "import os; print(os.getpid())"])
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0
    assert int(out) == child.pid


def test_the_guard_runs_nothing_when_its_parent_is_already_gone() -> None:
    # Told that its parent is pid 1 (it is not): the parent died before prctl took effect.
    guard = process.die_with_parent(["true"])
    guard[guard.index("--") - 1] = "1"
    result = subprocess.run(guard, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1


def test_the_guard_says_when_the_program_is_missing() -> None:
    argv = process.die_with_parent(["/nonexistent/helper-binary"])
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 127
    assert "cannot run /nonexistent/helper-binary" in result.stderr
    assert "Traceback" not in result.stderr
