"""The real producer and consumer as subprocesses, configured for chaos: a short Kafka
session timeout so that a SIGKILLed member's partitions move on within seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path

from stack.process import die_with_parent
from tests.commands import consumer_run
from tests.integration.harness import REPO, ConsumerProcess, free_port

# The broker's group.min.session.timeout.ms is 6 s: the shortest a member may ask for.
SESSION_TIMEOUT_MS = 6000


def start_producer(
    *,
    bootstrap: str,
    topic: str,
    partitions: int,
    count: int,
    seed: int,
    truth: Path,
    log_dir: Path,
    rate: int = 0,
    faults: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """`python -m producer` in the background, writing its ground truth to `truth`."""
    args = [
        sys.executable, "-m", "producer",
        "--bootstrap-servers", bootstrap,
        "--topic", topic,
        "--partitions", str(partitions),
        "--count", str(count),
        "--seed", str(seed),
        "--truth", str(truth),
        "--rate", str(rate),
        "--no-progress",
        "--no-catalog",
        *faults,
    ]  # fmt: skip
    log = (log_dir / f"producer-{topic}.log").open("wb")
    with log:
        return subprocess.Popen(
            die_with_parent(args),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_producer(process: subprocess.Popen[bytes], timeout_s: float) -> int:
    return process.wait(timeout=timeout_s)


def start_consumer(
    *,
    bootstrap: str,
    database_url: str,
    topic: str,
    dlq_topic: str,
    group: str,
    log_dir: Path,
    exit_when_idle_s: float | None = None,
    env: dict[str, str] | None = None,
) -> ConsumerProcess:
    port = free_port()
    log_path = log_dir / f"consumer-{uuid.uuid4().hex[:8]}.log"
    args = consumer_run(
        bootstrap=bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq_topic,
        group=group,
        metrics_port=port,
        exit_when_idle_s=exit_when_idle_s,
    )
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "KAFKA_SESSION_TIMEOUT_MS": str(SESSION_TIMEOUT_MS),
        **(env or {}),
    }
    with log_path.open("wb") as log:
        # Its own process group, and dead with the chaos run however that ends.
        process = subprocess.Popen(
            die_with_parent(args),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    return ConsumerProcess(process, port, log_path)


def metric(consumer: ConsumerProcess, name: str, labels: str = "") -> float | None:
    """One sample of the consumer's /metrics, or None when absent or not answering."""
    url = f"http://127.0.0.1:{consumer.metrics_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return None
    wanted = f"{name}{{{labels}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    return None


def wait_until(predicate: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}")
