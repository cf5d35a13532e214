"""Fills the benchmark topic once per invocation with the project's own simulator
(`python -m producer`): realistic mixed events over a simulated month, with a given share
of invalid records (every defect kind) and of exact duplicates."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from bench.common.child import REPO, child_env
from pulse.errors import PulseError

# Oversized records are ~64 KiB each, 200 times a normal event: at the share of the other
# defect kinds they would be most of the topic's bytes. They get a tenth of that share.
_OVERSIZED_WEIGHT = 0.1
_ORDINARY_DEFECT_KINDS = 10


class PreloadError(PulseError, RuntimeError):
    """The simulator failed or the topic holds other than the records asked for."""


@dataclass(frozen=True, slots=True)
class Mix:
    """Shares of all records on the topic."""

    invalid: float = 0.05
    duplicates: float = 0.02

    def producer_flags(self) -> list[str]:
        # The simulator's ratios are per valid original event, and every defect or
        # duplicate is an extra record: convert shares of the total into those ratios.
        originals = 1.0 - self.invalid - self.duplicates
        per_kind = self.invalid / originals / (_ORDINARY_DEFECT_KINDS + _OVERSIZED_WEIGHT)
        return [
            "--defects-ratio", f"{per_kind:.6f}",
            "--oversized-ratio", f"{per_kind * _OVERSIZED_WEIGHT:.6f}",
            "--duplicate-ratio", f"{self.duplicates / originals:.6f}",
        ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Preloaded:
    topic: str
    records: int
    partitions: int
    seconds: float
    producer_summary: str  # the simulator's own table: event types, defects, duplicates


def preload(
    *,
    bootstrap_servers: str,
    topic: str,
    records: int,
    partitions: int,
    seed: int,
    compression: str,
    days: float,
    mix: Mix,
    log_path: Path,
    start: datetime | None = None,
) -> Preloaded:
    """Publishes `records` simulated events over `days` simulated days, ending now or
    starting at `start` (the simulator ends the period at now, whatever `days` says)."""
    clock = ["--days", str(days)] + ([] if start is None else ["--start", start.isoformat()])
    command = [
        sys.executable, "-m", "producer",
        "--bootstrap-servers", bootstrap_servers,
        "--topic", topic,
        "--partitions", str(partitions),
        "--count", str(records),
        "--seed", str(seed),
        *clock,
        "--compression", compression,
        "--no-progress",
        "--no-catalog",
        *mix.producer_flags(),
    ]  # fmt: skip
    started = time.monotonic()
    with log_path.open("wb") as log:
        done = subprocess.run(
            command, cwd=REPO, env=child_env(), stdout=log, stderr=log, check=False
        )
    seconds = time.monotonic() - started
    summary = log_path.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise PreloadError(
            f"the simulator failed (exit code {done.returncode}); its output is in {log_path}"
        )
    on_topic = topic_records(bootstrap_servers, topic, partitions)
    if on_topic != records:
        raise PreloadError(
            f"topic {topic} holds {on_topic:,} records, {records:,} were asked for: "
            "was it used before? Run again to get a fresh topic."
        )
    return Preloaded(topic, records, partitions, seconds, summary)


def topic_records(bootstrap_servers: str, topic: str, partitions: int) -> int:
    """Records on the topic: the sum of the partitions' end offsets (nothing is deleted)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    try:
        ends = consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
    finally:
        consumer.close()
    return int(sum(ends.values()))
