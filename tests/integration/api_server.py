"""Runs the real API (`python -m api`, uvicorn) as a subprocess for the tests, on a free
port, and waits until it answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.integration.harness import REPO, free_port


@dataclass(frozen=True)
class ApiServer:
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def api_server(
    *, reader_url: str, kafka_bootstrap: str, topic: str, log_dir: Path,
    env: Mapping[str, str] | None = None,
) -> Iterator[ApiServer]:  # fmt: skip
    port = free_port()
    log_path = log_dir / f"api-{port}.log"
    environment = {
        **os.environ,
        "READER_DATABASE_URL": reader_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC": topic,
        "API_PORT": str(port),
        "API_CACHE_MAX_AGE_S": "0",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api"], cwd=REPO, env=environment,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(url, process, log_path)
        yield ApiServer(url, log_path)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the API exited {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"the API did not answer within 30 s:\n{log.read_text()}")
