"""The Kafka Connect peer in one process tree: create the facts table, start a standalone
Connect worker with the Debezium JDBC sink, wait until the sentinel event that ends each
partition is in the table, stop the worker, print one JSON line. The worker is always
stopped, also when this process is sent SIGTERM.

`python -m bench.peers.connect.child --topic T --dlq-topic D --database-url URL ...`
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from bench.common.child import REPO
from bench.peers.connect.worker import CONNECTOR, SinkJob, java_command
from pulse.sqlfiles import load_sql
from stack.process import die_with_parent

FACTS_DDL = REPO / "sql" / "migrations" / "001_facts.sql"
COUNT_ROWS = load_sql("bench/connect/count_rows")
COUNT_SENTINELS = load_sql("bench/connect/count_sentinels")
ANY_ROW = load_sql("bench/connect/any_row")
_POLL_S = 0.1
_STATUS_EVERY_POLLS = 20  # the REST status every 2 s
# Shorter than the benchmark watcher's own grace before it SIGKILLs this process.
_STOP_GRACE_S = 15.0


@dataclass(slots=True)
class Timeline:
    first_row_at: float | None = None  # start-up (JVM, worker, group join) ends about here
    done_at: float | None = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers.connect.child")
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--dlq-topic", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sentinels", required=True, help="event ids, comma-separated")
    parser.add_argument("--libs", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    args = parser.parse_args(argv)
    job = SinkJob(
        bootstrap_servers=args.bootstrap_servers, topic=args.topic, dlq_topic=args.dlq_topic,
        database_url=args.database_url, table="events", workdir=args.workdir,
    )  # fmt: skip
    if _port_taken(job.rest_port):
        print(f"port {job.rest_port} (Connect REST) is in use: stop what holds it", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(job.database_url, autocommit=True) as conn:
        conn.execute(FACTS_DDL.read_text(encoding="utf-8"))
    sentinels = args.sentinels.split(",")
    ends = _end_offsets(job.bootstrap_servers, job.topic)
    command = java_command(job, args.libs)
    signal.signal(signal.SIGTERM, _interrupted)  # so that `finally` stops the worker
    started_at = time.time()
    timeline = Timeline()
    with (args.workdir / "connect.console.log").open("wb") as console:
        # Its own process group, and SIGKILLed if this process dies without stopping it
        # (SIGKILL by the benchmark's watchdog): it must not keep its REST port.
        worker = subprocess.Popen(
            die_with_parent(command), stdout=console, stderr=console, start_new_session=True
        )
    try:
        why = _wait_for_sentinels(
            job.database_url,
            worker,
            sentinels,
            rest_port=job.rest_port,
            deadline=started_at + args.max_seconds,
            timeline=timeline,
        )
    finally:
        exit_code = _stop(worker)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with psycopg.connect(job.database_url) as conn:
        row = conn.execute(COUNT_ROWS).fetchone()
    result = {
        "records": sum(ends.values()) - len(sentinels),
        "rows": int(row[0]) - len(sentinels) if row else 0,
        "dead_lettered": sum(_end_offsets(job.bootstrap_servers, job.dlq_topic).values()),
        "started_at": started_at,
        "first_row_at": timeline.first_row_at,
        "done_at": timeline.done_at,
        "worker_cpu_s": children.ru_utime + children.ru_stime,
        "worker_exit_code": exit_code,
        "failure": why,
    }
    print(json.dumps(result))
    return 0 if timeline.done_at is not None else 1


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _end_offsets(bootstrap_servers: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        ends = consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
    finally:
        consumer.close()
    return {tp.partition: int(offset) for tp, offset in ends.items()}


def _interrupted(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _wait_for_sentinels(
    database_url: str,
    worker: subprocess.Popen[bytes],
    sentinels: list[str],
    *,
    rest_port: int,
    deadline: float,
    timeline: Timeline,
) -> str | None:
    """Stamps when the first row and every partition's sentinel row were first seen in
    the table; returns why not, when the worker exits or the sink task fails."""
    polls = 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.time() < deadline:
            if worker.poll() is not None:
                return f"the Connect worker exited with code {worker.returncode}"
            if timeline.first_row_at is None and _fetch(conn, ANY_ROW):
                timeline.first_row_at = time.time()
            if _fetch(conn, COUNT_SENTINELS, sentinels) == len(sentinels):
                timeline.done_at = time.time()
                return None
            polls += 1
            if polls % _STATUS_EVERY_POLLS == 0 and (failure := _task_failure(rest_port)):
                return failure
            time.sleep(_POLL_S)
    return "timed out before every partition's last record was written"


def _fetch(conn: psycopg.Connection[Any], query: str, *params: object) -> Any:
    row = conn.execute(query, params or None).fetchone()
    return row[0] if row else None


def _task_failure(rest_port: int) -> str | None:
    """The first line of a failed sink task's trace, from the worker's REST API; None
    while the tasks run (or the API is not up yet)."""
    url = f"http://127.0.0.1:{rest_port}/connectors/{CONNECTOR}/status"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            status = json.load(response)
    except (OSError, ValueError):
        return None
    for task in status.get("tasks", []):
        if task.get("state") == "FAILED":
            trace = str(task.get("trace", "")).strip().splitlines()
            return f"the sink task failed: {trace[0] if trace else 'no trace'}"
    return None


def _stop(worker: subprocess.Popen[bytes]) -> int:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            worker.kill()
    return worker.wait()


if __name__ == "__main__":
    raise SystemExit(main())
