"""Freshness benchmark (issue 9, item 4): at a fixed produce rate (the project's live
producer, paced), with Pulse running every aggregate, how long until an event is visible
in the per-minute aggregate: p50 / p95 / p99 from an external probe (bench.freshness.probe),
next to the consumer's own freshness histogram, the rate achieved and the lag.

Run from the repository root with the stack up (`make up`):
`.venv/bin/python -m bench.freshness [--rates 1000 5000 10000] [--duration 45] [--quick]`
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.common import machine
from bench.common.cli import benchmark_parser, run_benchmark
from bench.common.results import write_results
from bench.freshness.rate import run_rate
from bench.freshness.report import render
from pulse.settings import Settings

QUICK_RATES, QUICK_DURATION_S = (1000,), 10.0


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser("python -m bench.freshness", __doc__)
    parser.add_argument("--rates", type=float, nargs="+", help="events/s (default 1k 5k 10k)")
    parser.add_argument("--duration", type=float, help="seconds of producing per rate (45)")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of producing not measured (5)"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_RATES} events/s for {QUICK_DURATION_S:g} s"
    )
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--probe-interval", type=float, default=0.2, metavar="SECONDS")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(build_parser(), _bench, argv)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    started_at = datetime.now(UTC)
    rates = args.rates or (QUICK_RATES if args.quick else (1000.0, 5000.0, 10000.0))
    duration = args.duration or (QUICK_DURATION_S if args.quick else 45.0)
    warmup = min(args.warmup, duration / 2)
    admin_url = settings.migrations_database_url.get_secret_value()  # creates databases
    details = machine.describe(admin_url)
    workdir = Path(tempfile.mkdtemp(prefix="pulse-freshness-"))
    results = []
    for rate in rates:
        print(f"rate {rate:,.0f} events/s for {duration:g} s ...", file=sys.stderr, flush=True)
        result = run_rate(
            settings, admin_url, rate=rate, duration_s=duration, warmup_s=warmup,
            partitions=args.partitions, probe_interval_s=args.probe_interval, workdir=workdir,
        )  # fmt: skip
        results.append(result)
        print(f"  {result.one_line()}", file=sys.stderr, flush=True)
    markdown = render(started_at, details, results, duration_s=duration, warmup_s=warmup)
    payload = {
        "started_at": started_at.isoformat(),
        "machine": details,
        "duration_s": duration,
        "warmup_s": warmup,
        "partitions": args.partitions,
        "batch_max_records": settings.batch_max_records,
        "batch_max_age_ms": settings.batch_max_age_ms,
        "batch_min_age_ms": settings.batch_min_age_ms,
        "rates": [asdict(r) for r in results],
    }
    md_path, json_path = write_results(
        args.results_dir, name="freshness", started_at=started_at, markdown=markdown,
        payload=payload,
    )  # fmt: skip
    print(markdown)
    print(f"written: {md_path} and {json_path}; logs in {workdir}", file=sys.stderr)
    return 0
