"""Helpers that a benchmark or test starts die with the process that started them, even a
SIGKILLed one, and free their ports within seconds (stack/guard.py: PR_SET_PDEATHSIG).

A wrapper process starts a helper, prints what the helper holds and waits; the test
SIGKILLs the wrapper (no `finally`, no atexit runs) and watches the helper go."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.ports import is_listening
from stack.process import is_alive
from tests.integration.harness import REPO

pytestmark = pytest.mark.integration

GONE_WITHIN_S = 5.0

# A helper that listens on a free port until killed.
_LISTENER = """
import socket, time
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
print(server.getsockname()[1], flush=True)
time.sleep(3600)
"""

# The wrapper: starts the listener with stack.process.spawn (as the stack starts its
# brokers), `helper` or not, and reports the helper's pid, its port and its process group.
_WRAPPER = """
import json, os, sys, time
from pathlib import Path
from stack.process import spawn
helper = sys.argv[1] == "helper"
log = Path(sys.argv[2])
child = spawn([sys.executable, "-c", sys.argv[3]], log_file=log, cwd=Path.cwd(), helper=helper)
deadline = time.monotonic() + 30
while time.monotonic() < deadline and not log.read_text().strip():
    time.sleep(0.05)
port = int(log.read_text().split()[0])
print(json.dumps({"pid": child.pid, "port": port, "pgid": os.getpgid(child.pid)}), flush=True)
time.sleep(3600)
"""

# The SASL test broker of tests/integration/test_kafka_sasl.py, started by a wrapper.
_BROKER_WRAPPER = """
import json, sys, time
from pathlib import Path
from stack.kafka.secure import secure_broker
from stack.process import read_pid
with secure_broker(Path(sys.argv[1]), password="wrapper-test") as broker:
    print(json.dumps({"bootstrap": broker.sasl_bootstrap, "plain": broker.plain_bootstrap}),
          flush=True)
    time.sleep(3600)
"""


def _start_wrapper(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _report(wrapper: subprocess.Popen[str]) -> dict[str, object]:
    assert wrapper.stdout is not None
    line = wrapper.stdout.readline()
    if not line:
        stderr = wrapper.stderr.read() if wrapper.stderr else ""
        raise AssertionError(f"the wrapper exited (code {wrapper.wait()}):\n{stderr[-3000:]}")
    report: dict[str, object] = json.loads(line)
    return report


def _kill(wrapper: subprocess.Popen[str]) -> None:
    wrapper.send_signal(signal.SIGKILL)
    wrapper.communicate(timeout=10)  # reaps it and closes the pipes


def _wait(predicate: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def wrappers() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for wrapper in started:
        if wrapper.poll() is None:
            _kill(wrapper)


def _pids_listening(port: int) -> list[int]:
    """Pids holding a listening socket on `port` (from /proc), for clean-up."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    pids = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            links = {os.readlink(fd) for fd in fd_dir.iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            pids.append(int(fd_dir.parent.name))
    return pids


def test_a_helper_dies_with_its_sigkilled_wrapper_and_frees_its_port(
    wrappers: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    wrapper = _start_wrapper(_WRAPPER, "helper", str(tmp_path / "helper.log"), _LISTENER)
    wrappers.append(wrapper)
    report = _report(wrapper)
    pid, port = int(str(report["pid"])), int(str(report["port"]))
    assert report["pgid"] == pid  # its own process group
    assert is_listening("127.0.0.1", port)
    _kill(wrapper)
    assert _wait(lambda: not is_alive(pid), GONE_WITHIN_S), f"helper {pid} outlived its parent"
    assert _wait(lambda: not is_listening("127.0.0.1", port), GONE_WITHIN_S)


def test_without_the_guard_the_same_helper_outlives_its_wrapper(
    wrappers: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    # The control: what the guard fixes. The stack's own services are started this way on
    # purpose (they outlive `make up`).
    wrapper = _start_wrapper(_WRAPPER, "service", str(tmp_path / "service.log"), _LISTENER)
    wrappers.append(wrapper)
    report = _report(wrapper)
    pid, port = int(str(report["pid"])), int(str(report["port"]))
    _kill(wrapper)
    try:
        time.sleep(1.0)
        assert is_alive(pid)
        assert is_listening("127.0.0.1", port)
    finally:
        os.kill(pid, signal.SIGKILL)


def test_the_sasl_test_broker_dies_with_its_sigkilled_wrapper(
    wrappers: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    wrapper = _start_wrapper(_BROKER_WRAPPER, str(tmp_path / "broker"))
    wrappers.append(wrapper)
    report = _report(wrapper)
    ports = [int(str(report[key]).rsplit(":", 1)[1]) for key in ("bootstrap", "plain")]
    holders = {pid for port in ports for pid in _pids_listening(port)}
    assert holders, f"nothing listens on {ports}"
    assert wrapper.pid not in holders  # the broker is a process of its own
    _kill(wrapper)
    try:
        assert _wait(lambda: not any(is_alive(pid) for pid in holders), GONE_WITHIN_S), (
            f"broker {holders} outlived its parent"
        )
        for port in ports:
            assert _wait(lambda port=port: not is_listening("127.0.0.1", port), GONE_WITHIN_S)
    finally:
        for pid in holders:
            if is_alive(pid):
                os.kill(pid, signal.SIGKILL)
