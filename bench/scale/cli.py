"""Scale benchmark (issue 9, item 5): Pulse with every aggregate draining a pre-loaded
topic with 1, 2 and 4 partitions and as many consumer processes in one group; events/s
and CPU seconds per 1,000 events of the consumers, the broker and PostgreSQL.

Run from the repository root with the stack up (`make up`):
`.venv/bin/python -m bench.scale [--events 500000] [--levels 1 2 4] [--quick]`
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import machine
from bench.common.cli import benchmark_parser, run_benchmark
from bench.common.preload import Mix, preload
from bench.common.results import write_results
from bench.common.scratch import delete_topics
from bench.scale.group import GroupRun, fresh_topic, run_group
from bench.scale.report import render
from pulse.settings import Settings

QUICK_EVENTS, QUICK_LEVELS = 20_000, (1, 2)


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser("python -m bench.scale", __doc__)
    parser.add_argument("--events", type=int, help="records per topic (default 500,000)")
    parser.add_argument("--levels", type=int, nargs="+", help="processes = partitions (1 2 4)")
    parser.add_argument("--runs", type=int, default=1, help="runs per level (median)")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_EVENTS:,} events, levels {QUICK_LEVELS}"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=30.0, help="simulated days of activity")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(build_parser(), _bench, argv)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    started_at = datetime.now(UTC)
    events = args.events or (QUICK_EVENTS if args.quick else 500_000)
    levels = args.levels or (QUICK_LEVELS if args.quick else (1, 2, 4))
    admin_url = settings.migrations_database_url.get_secret_value()  # creates databases
    bootstrap = settings.kafka_bootstrap_servers
    details = machine.describe(admin_url)
    workdir = Path(tempfile.mkdtemp(prefix="pulse-scale-"))
    runs: list[GroupRun] = []
    for level in levels:
        topic = fresh_topic(bootstrap, level)
        try:
            print(f"{level} partition(s): pre-loading {events:,} ...", file=sys.stderr, flush=True)
            preload(
                bootstrap_servers=bootstrap, topic=topic, records=events, partitions=level,
                seed=args.seed, compression="none", days=args.days, mix=Mix(),
                log_path=workdir / f"preload-{level}.log",
            )  # fmt: skip
            for _ in range(args.runs):
                run = run_group(
                    bootstrap=bootstrap, admin_url=admin_url, topic=topic, partitions=level,
                    records=events, processes=level, workdir=workdir,
                    max_seconds=args.max_seconds,
                )  # fmt: skip
                runs.append(run)
                flag = "" if run.complete else " INCOMPLETE"
                print(
                    f"  {level} process(es): {run.events_per_s:,.0f} events/s "
                    f"({run.accounted:,} in {run.seconds:.1f} s){flag}",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            delete_topics(bootstrap, [topic])
    markdown = render(started_at, details, runs, events=events, batch=settings.batch_max_records)
    payload: dict[str, Any] = {
        "started_at": started_at.isoformat(),
        "machine": details,
        "events": events,
        "runs": [asdict(r) | {"events_per_s": r.events_per_s} for r in runs],
    }
    md_path, json_path = write_results(
        args.results_dir, name="scale", started_at=started_at, markdown=markdown, payload=payload
    )
    print(markdown)
    print(f"written: {md_path} and {json_path}; logs in {workdir}", file=sys.stderr)
    return 0
