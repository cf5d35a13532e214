"""Producer benchmark: events/s of generation alone, publishing alone and both, against the
configured broker. Run `.venv/bin/python -m bench.producer` from the repo root; it writes
`bench/results/<UTC time>-producer.md` and `.json`."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version

from confluent_kafka import libversion

from bench.common.cli import benchmark_parser, run_benchmark
from bench.common.machine import cpu_model
from bench.common.results import write_results
from bench.producer.stages import PARTITIONS, Figure, measure
from pulse.settings import Settings


def machine() -> dict[str, object]:
    """What the producer's figures depend on: the CPU and the client that publishes."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "confluent_kafka": version("confluent-kafka"),
        "librdkafka": libversion()[0],
    }


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


def report(machine_line: str, table: str, started_at: datetime) -> str:
    """The results file: the console's lines under a title."""
    return "\n".join([
        f"# Producer benchmark, {started_at:%Y-%m-%d %H:%M} UTC", "",
        "`python -m bench.producer`: the simulator's events generated alone, published "
        "alone (pre-generated) and both, with each compression.", "",
        "```", machine_line, table, "```",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = benchmark_parser("python -m bench.producer", __doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compression", nargs="+", default=["auto", "gzip", "none"])
    return run_benchmark(parser, _bench, argv)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    started_at = datetime.now(UTC)
    details = machine()
    machine_line = " | ".join(f"{key}: {value}" for key, value in details.items())
    print(machine_line)
    figures = measure(settings, args.events, args.repeat, args.compression)
    table = render(figures, args.events, args.repeat)
    print(table)
    payload = {
        "machine": details,
        "events": args.events,
        "repeat": args.repeat,
        "figures": [asdict(f) for f in figures],
    }
    md_path, json_path = write_results(
        args.results_dir, name="producer", started_at=started_at,
        markdown=report(machine_line, table, started_at), payload=payload,
    )  # fmt: skip
    print(f"written: {md_path} and {json_path}", file=sys.stderr)
    return 0
