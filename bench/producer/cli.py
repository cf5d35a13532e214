"""Producer benchmark: events/s of generation alone, publishing alone and both, against the
configured broker. Run `.venv/bin/python -m bench.producer` from the repo root."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path

from kafka.admin import KafkaAdminClient
from kafka.codec import has_lz4

from consumer.errors import PulseError
from consumer.kafka_security import kafka_security
from consumer.settings import Settings, load_settings
from producer.app import ClockChoice, make_simulator
from producer.faults import FaultPlan
from producer.publisher import Publisher, ensure_topic, resolve_compression
from producer.runner import RunLimits, run
from producer.simulator import Simulator
from producer.summary import Summary

# Medians of --repeat runs are reported, since a shared 2-core machine is noisy.
PARTITIONS = 3


@dataclass(frozen=True, slots=True)
class Figure:
    stage: str
    compression: str
    events_per_s: float
    mb_per_s: float
    # CPU time of this process (all its threads) per 1,000 events: steadier than wall
    # time when other work shares the machine, and it excludes the broker's share.
    cpu_ms_per_1k: float
    runs: list[float]


def machine() -> dict[str, object]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    crc = "C (crc32c package)"
    try:
        import crc32c  # noqa: F401, PLC0415
    except ImportError:
        crc = "pure Python"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "kafka_python": version("kafka-python"),
        "record_crc": crc,
        "lz4_available": has_lz4(),
    }


def simulator(settings: Settings, events: int, *, live: bool) -> Simulator:
    return make_simulator(
        settings=settings,
        clock=ClockChoice(live=live, days=None if live else 60.0),
        seed=1,
        population_seed=1,
        users=10_000,
        count=events,
        rate=0.0,
        plan=FaultPlan(defects={}),
        late_horizon=timedelta(days=settings.late_horizon_days),
    )


# A stage is prepared untimed (world built, broker connected), then its action is timed:
# the figures are steady-state rates, not start-up costs.
Action = Callable[[], tuple[int, int]]
Stage = Callable[[], Action]


def timed(stage: Stage) -> tuple[float, float, float]:
    """(events/s, MB/s, CPU ms per 1,000 events) of one run of a stage, whose action
    returns (events, bytes)."""
    action = stage()
    started, cpu_started = time.perf_counter(), time.process_time()
    events, size = action()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return events / elapsed, size / elapsed / 1e6, cpu * 1e6 / events


def median_figure(name: str, compression: str, repeat: int, stage: Stage) -> Figure:
    rates = [timed(stage) for _ in range(repeat)]
    events = [r[0] for r in rates]
    return Figure(
        stage=name,
        compression=compression,
        events_per_s=statistics.median(events),
        mb_per_s=statistics.median(r[1] for r in rates),
        cpu_ms_per_1k=statistics.median(r[2] for r in rates),
        runs=[round(e) for e in events],
    )


def generation(settings: Settings, events: int, *, live: bool) -> Stage:
    def stage() -> Action:
        sim = simulator(settings, events, live=live)

        def action() -> tuple[int, int]:
            count = size = 0
            for record in sim.records(limit=events):
                count += 1
                size += len(record.value)
            return count, size

        return action

    return stage


def publish_only(
    settings: Settings, topic: str, compression: str, data: list[tuple[bytes, bytes]]
) -> Stage:
    def stage() -> Action:
        publisher = connect(settings, topic, compression)

        def action() -> tuple[int, int]:
            try:
                for key, value in data:
                    publisher.send(key, value)
                publisher.flush()
            finally:
                publisher.close()
            return len(data), sum(len(value) for _, value in data)

        return action

    return stage


def end_to_end(settings: Settings, topic: str, compression: str, events: int) -> Stage:
    def stage() -> Action:
        sim = simulator(settings, events, live=False)
        publisher = connect(settings, topic, compression)

        def action() -> tuple[int, int]:
            summary = Summary(topic=topic, seed=1)
            try:
                run(
                    records=lambda limit, stop: sim.records(limit=limit, should_stop=stop),
                    sender=publisher,
                    summary=summary,
                    limits=RunLimits(count=events),
                    should_stop=lambda: False,
                )
            finally:
                publisher.close()
            if summary.failed:
                raise RuntimeError(f"{summary.failed} records failed: {summary.first_error}")
            return summary.records, summary.bytes

        return action

    return stage


def connect(settings: Settings, topic: str, compression: str) -> Publisher:
    return Publisher(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=topic,
        compression=resolve_compression(compression),
        linger_ms=20,
        batch_size=256 * 1024,
        max_event_bytes=settings.max_event_bytes,
        security=kafka_security(settings),
    )


def measure(settings: Settings, events: int, repeat: int, compressions: list[str]) -> list[Figure]:
    figures = [
        median_figure("generate (simulated clock)", "-", repeat,
                      generation(settings, events, live=False)),
        median_figure("generate (live clock)", "-", repeat,
                      generation(settings, events, live=True)),
    ]  # fmt: skip
    data = [(r.key, r.value) for r in simulator(settings, events, live=False).records(limit=events)]
    topic = f"bench.producer.{uuid.uuid4().hex[:8]}"
    ensure_topic(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        topic=topic,
        partitions=PARTITIONS,
        replication_factor=1,
        timeout_ms=10_000,
        security=kafka_security(settings),
    )
    try:
        for compression in compressions:
            codec = resolve_compression(compression) or "none"
            name = codec if compression == codec else f"{compression}={codec}"
            publish = publish_only(settings, topic, compression, data)
            figures.append(median_figure("publish pre-generated", name, repeat, publish))
            both = end_to_end(settings, topic, compression, events)
            figures.append(median_figure("generate + publish", name, repeat, both))
    finally:
        admin = KafkaAdminClient(
            bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_security(settings)
        )
        admin.delete_topics([topic])
        admin.close()
    return figures


def render(figures: list[Figure], events: int, repeat: int) -> str:
    lines = [
        f"{events:,} events per run, median of {repeat} runs, "
        f"{PARTITIONS} partitions, acks=all, linger 20 ms, batch 256 KiB",
        "",
        f"{'stage':<27} {'compression':<12} {'events/s':>9} {'MB/s':>6} {'CPU ms/1k':>9}  runs",
    ]
    lines += [
        f"{f.stage:<27} {f.compression:<12} {f.events_per_s:>9,.0f} {f.mb_per_s:>6.1f} "
        f"{f.cpu_ms_per_1k:>9.1f}  {f.runs}"
        for f in figures
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.producer", description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compression", nargs="+", default=["auto", "gzip", "none"])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    settings = load_settings()
    details = machine()
    print(" | ".join(f"{key}: {value}" for key, value in details.items()))
    try:
        figures = measure(settings, args.events, args.repeat, args.compression)
    except PulseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(render(figures, args.events, args.repeat))
    if args.json:
        payload = {
            "machine": details,
            "events": args.events,
            "figures": [asdict(f) for f in figures],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
