"""Producer benchmark: events/s of generation alone, publishing alone and both, against the
configured broker. Run `.venv/bin/python -m bench.producer` from the repo root."""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from confluent_kafka import libversion

from bench.common.cli import run_reporting_errors
from bench.common.machine import cpu_model
from bench.producer.stages import PARTITIONS, Figure, measure
from pulse.settings import Settings, load_settings


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.producer", description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compression", nargs="+", default=["auto", "gzip", "none"])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    return run_reporting_errors(lambda: _bench(args, load_settings()))


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    details = machine()
    print(" | ".join(f"{key}: {value}" for key, value in details.items()))
    figures = measure(settings, args.events, args.repeat, args.compression)
    print(render(figures, args.events, args.repeat))
    if args.json:
        payload = {
            "machine": details,
            "events": args.events,
            "figures": [asdict(f) for f in figures],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0
