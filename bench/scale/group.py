"""Runs N Pulse consumer processes in one consumer group on one pre-loaded topic and one
database, and measures them together: the time until PostgreSQL holds every record,
the CPU of all of them (exact, from wait4's rusage), of the broker and of PostgreSQL."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench.common import procfs
from bench.common.child import free_port, python_module, spawn
from bench.common.scratch import create_topic, delete_topics, scratch_database, unique_name
from bench.common.servers import BrokerCpu, PostgresCpu, broker_pid
from bench.peers.pulse.offsets import offset_totals

_INTERVAL_S = 0.5
_STOP_GRACE_S = 20.0


@dataclass(slots=True)
class GroupRun:
    processes: int
    partitions: int
    records: int  # on the topic
    accounted: int  # records PostgreSQL holds offsets for at the end
    seconds: float  # from the first spawn until PostgreSQL held every record
    cpu_s: float  # all consumer processes
    broker_cpu_s: float | None
    postgres_cpu_s: float
    machine_busy_s: float
    process_s: float  # from the first spawn until the last exit
    exit_codes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def complete(self) -> bool:
        return self.accounted == self.records and all(code == 0 for code in self.exit_codes)

    @property
    def events_per_s(self) -> float:
        return self.accounted / self.seconds if self.seconds > 0 else 0.0


def run_group(
    *,
    bootstrap: str,
    admin_url: str,
    topic: str,
    partitions: int,
    records: int,
    processes: int,
    workdir: Path,
    exit_when_idle_s: float = 3.0,
    max_seconds: float = 1800.0,
) -> GroupRun:
    database = unique_name("pulse_bench_scale_")
    dlq = unique_name("bench.dlq.")
    group = unique_name("bench-scale-")
    create_topic(bootstrap, dlq, 1)
    try:
        with scratch_database(admin_url, database) as url:
            command = python_module(
                "consumer", "run", "--bootstrap-servers", bootstrap, "--topic", topic,
                "--dlq-topic", dlq, "--catalog-topic", f"{topic}.catalog",
                "--group", group, "--database-url", url,
                "--exit-when-idle", str(exit_when_idle_s),
            )  # fmt: skip
            commands = [[*command, "--metrics-port", str(free_port())] for _ in range(processes)]
            return _watch(
                commands, url=url, database=database, topic=topic, partitions=partitions,
                records=records, workdir=workdir, max_seconds=max_seconds,
            )  # fmt: skip
    finally:
        delete_topics(bootstrap, [dlq])


def _watch(
    commands: list[list[str]],
    *,
    url: str,
    database: str,
    topic: str,
    partitions: int,
    records: int,
    workdir: Path,
    max_seconds: float,
) -> GroupRun:
    broker = BrokerCpu(broker_pid())
    postgres = PostgresCpu(database)
    busy_before = procfs.machine_busy_s()
    started = time.monotonic()
    children = []
    for index, command in enumerate(commands):
        children.append(spawn(command, stdout=workdir / f"scale-{len(commands)}-{index}.log"))
    running = {child.pid: child for child in children}
    exit_codes: list[int] = []
    cpu_s, done_at, accounted, kill_at, note = 0.0, None, 0, float("inf"), ""
    while running:
        for pid in list(running):
            waited, status, usage = os.wait4(pid, os.WNOHANG)
            if waited:
                exit_codes.append(os.waitstatus_to_exitcode(status))
                cpu_s += usage.ru_utime + usage.ru_stime
                del running[pid]
        broker.sample()
        postgres.sample()
        accounted = _accounted(url, topic, accounted)
        now = time.monotonic()
        if done_at is None and accounted >= records:
            done_at = now
        if not note and now - started > max_seconds:
            note = f"stopped after {max_seconds:.0f} s"
            for child in running.values():
                child.send_signal(signal.SIGTERM)
            kill_at = now + _STOP_GRACE_S
        elif now > kill_at:
            for child in running.values():
                child.kill()
        time.sleep(_INTERVAL_S)
    ended = time.monotonic()
    return GroupRun(
        processes=len(commands),
        partitions=partitions,
        records=records,
        accounted=accounted,
        seconds=(done_at or ended) - started,
        cpu_s=cpu_s,
        broker_cpu_s=broker.seconds(),
        postgres_cpu_s=postgres.attributed_s(),
        machine_busy_s=procfs.machine_busy_s() - busy_before,
        process_s=ended - started,
        exit_codes=exit_codes,
        note=note,
    )


def _accounted(url: str, topic: str, previous: int) -> int:
    """Records PostgreSQL holds offsets for; the previous figure while it cannot answer
    (restarted under the benchmark: the consumers retry, and so does this)."""
    try:
        return offset_totals(url, topic)[0]
    except psycopg.OperationalError:
        return previous


def fresh_topic(bootstrap: str, partitions: int) -> str:
    topic = unique_name(f"bench.scale{partitions}.")
    create_topic(bootstrap, topic, partitions)
    return topic
