"""Consumer benchmark (issue 4): drain one pre-loaded topic with raw kafka-python
consumption (the ceiling), a naive INSERT + COMMIT per event consumer (the seed
pipelines), Pulse facts only, and Pulse with every aggregate; report events/s, CPU per
1,000 events of consumer, broker and database, and memory, as medians of several runs.

Run from the repository root with the stack up (`make up`):
`.venv/bin/python -m bench.consumer [--events 1000000] [--runs 3] [--quick]`
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from bench.common import machine
from bench.common.cli import benchmark_parser, run_benchmark
from bench.common.preload import Mix, preload
from bench.common.profiling import py_spy, top_functions
from bench.common.scratch import (
    create_topic,
    database_url,
    delete_topics,
    drop_database,
    unique_name,
)
from bench.consumer.compare import peer_section
from bench.consumer.report import Context, render, write
from bench.consumer.runs import run_all, targets
from bench.consumer.summary import summarize
from bench.peers.contenders import CONNECT, NOT_QUICK, RAW, contenders_by_key
from bench.peers.measurement import Contender, Workload
from bench.peers.pulse.contender import FilledDatabase, PulseConsumer
from pulse.errors import PulseError, first_line
from pulse.settings import Settings
from pulse.sqlfiles import load_sql

QUICK_EVENTS, QUICK_RUNS = 50_000, 1


class FilledDatabaseError(PulseError, RuntimeError):
    """The database named by --filled-database cannot be used."""


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser("python -m bench.consumer", __doc__)
    keys = list(contenders_by_key())
    parser.add_argument("--events", type=int, help="records on the topic (default 1,000,000)")
    parser.add_argument("--runs", type=int, help="runs of every contender (default 3)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke check: {QUICK_EVENTS:,} events, {QUICK_RUNS} run (unless given)",
    )
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    parser.add_argument("--days", type=float, default=30.0, help="simulated days of activity")
    parser.add_argument("--compression", default="none", help="producer compression")
    parser.add_argument("--invalid-share", type=float, default=0.05)
    parser.add_argument("--duplicate-share", type=float, default=0.02)
    parser.add_argument(
        "--naive-limit",
        type=int,
        default=20_000,
        help="records the naive consumer handles before its rate is extrapolated",
    )
    parser.add_argument("--only", nargs="+", choices=keys, metavar="CONTENDER",
                        help=f"contenders to run, of: {', '.join(keys)} (default: all; "
                        f"--quick leaves out {', '.join(NOT_QUICK)})")  # fmt: skip
    parser.add_argument("--exit-when-idle", type=float, default=2.0, metavar="SECONDS")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=1800.0,
        help="stop a contender still running after this long and report its partial rate",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the runs, profile one more Pulse drain with every aggregate under py-spy; "
        "its collapsed stacks go to bench/results/ beside the report",
    )
    parser.add_argument(
        "--filled-database",
        metavar="NAME",
        help="also run each Pulse contender on a copy of this database, already filled with "
        "facts (`python -m bench.query --facts 10000000 --keep-as NAME`)",
    )
    parser.add_argument(
        "--drop-filled",
        action="store_true",
        help="drop the --filled-database once the runs are over (it is several GiB at 10M facts)",
    )
    parser.add_argument(
        "--after-filled",
        action="store_true",
        help="simulate the topic from just after the --filled-database's newest fact up to now "
        "(instead of --days ending now), so that no event is late for the filled history",
    )
    parser.add_argument("--keep-topic", action="store_true", help="do not delete the topic")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(build_parser(), _bench, argv)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    events = args.events or (QUICK_EVENTS if args.quick else 1_000_000)
    runs = args.runs or (QUICK_RUNS if args.quick else 3)
    if args.only is None:
        args.only = [k for k in contenders_by_key() if not (args.quick and k in NOT_QUICK)]
    started_at = datetime.now(UTC)
    admin_url = settings.migrations_database_url.get_secret_value()  # creates databases
    bootstrap = settings.kafka_bootstrap_servers
    workdir = Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    # The collapsed stacks are kept beside the report, named like it.
    raw = None
    if args.profile:
        py_spy()  # a missing profiler is said now, not after the measured runs
        args.results_dir.mkdir(parents=True, exist_ok=True)
        raw = args.results_dir / f"{started_at:%Y-%m-%dT%H%M%SZ}-consumer-profile.txt"
    details = machine.describe(admin_url)
    mix = Mix(invalid=args.invalid_share, duplicates=args.duplicate_share)
    filled, start, days = _filled_and_period(args, admin_url)
    topic = unique_name("bench.consumer.")
    create_topic(bootstrap, topic, args.partitions)
    try:
        print(f"pre-loading {events:,} records into {topic} ...", file=sys.stderr, flush=True)
        loaded = preload(
            bootstrap_servers=bootstrap, topic=topic, records=events,
            partitions=args.partitions, seed=args.seed, compression=args.compression,
            days=days, start=start, mix=mix, log_path=workdir / "preload.log",
        )  # fmt: skip
        print(f"pre-loaded in {loaded.seconds:.0f} s; logs in {workdir}", file=sys.stderr)
        workload = Workload(
            settings=settings,
            topic=topic,
            partitions=args.partitions,
            records=events,
            admin_database_url=admin_url,
            workdir=workdir,
            exit_when_idle_s=args.exit_when_idle,
            naive_limit=args.naive_limit,
            max_seconds=args.max_seconds,
        )
        chosen = [c for key, c in contenders_by_key().items() if key in args.only]
        if filled is not None:
            chosen += on_filled_database(chosen, filled)
        measurements = run_all(chosen, workload, runs)
        profile = _profile(workload, raw) if raw else None
    finally:
        if not args.keep_topic:
            delete_topics(bootstrap, [topic])
        if args.filled_database and args.drop_filled:
            drop_database(admin_url, args.filled_database)
    ceiling = contenders_by_key()[RAW].name
    rows = summarize(measurements, ceiling=ceiling)
    value_bytes = [
        float(m.details["value_bytes"]) / m.records  # type: ignore[arg-type]
        for m in measurements
        if m.contender == ceiling and m.records and m.details.get("value_bytes")
    ]
    ctx = Context(
        started_at=started_at,
        records=events,
        partitions=args.partitions,
        invalid_share=mix.invalid,
        duplicate_share=mix.duplicates,
        seed=args.seed,
        compression=args.compression,
        simulated_days=days,
        simulated_start=start,
        runs=runs,
        naive_limit=args.naive_limit,
        exit_when_idle_s=args.exit_when_idle,
        batch_max_records=settings.batch_max_records,
        batch_max_age_ms=settings.batch_max_age_ms,
        batch_min_age_ms=settings.batch_min_age_ms,
        mean_value_bytes=statistics.median(value_bytes) if value_bytes else None,
        machine=details,
    )
    measured = {m.contender for m in measurements}
    goals = [t for t in targets() if t.contender in measured]
    markdown = render(ctx, rows, measurements, goals, ceiling=ceiling, profile=profile)
    pulse = [PulseConsumer(aggregates=a).name for a in (False, True)]
    peer = contenders_by_key()[CONNECT].name
    markdown += "\n".join(["", *peer_section(measurements, pulse, peer)]).rstrip() + "\n"
    extra = {"producer_summary": loaded.producer_summary, "preload_seconds": loaded.seconds}
    md_path, json_path = write(
        args.results_dir, ctx=ctx, markdown=markdown, rows=rows, measurements=measurements,
        targets=goals, extra=extra,
    )  # fmt: skip
    print(markdown)
    print(f"written: {md_path} and {json_path}", file=sys.stderr)
    if raw is not None and raw.exists():
        print(f"profile (py-spy collapsed stacks): {raw}", file=sys.stderr)
    return 0


def _filled_and_period(
    args: argparse.Namespace, admin_url: str
) -> tuple[FilledDatabase | None, datetime | None, float]:
    """The `--filled-database` (read once) and the simulated period of the topic, its
    start (None: it ends now) and days: `--days` ending now, or with `--after-filled` from
    one second after the filled database's newest fact up to now."""
    filled, latest = read_filled_database(admin_url, args.filled_database)
    if not args.after_filled:
        return filled, None, args.days
    if not args.filled_database:
        raise FilledDatabaseError("--after-filled needs --filled-database NAME")
    if latest is None:
        raise FilledDatabaseError(f"--after-filled: {args.filled_database} holds no facts")
    start = latest + timedelta(seconds=1)
    if start >= datetime.now(UTC) - timedelta(minutes=10):
        raise FilledDatabaseError(
            f"--after-filled: {args.filled_database}'s newest fact is from "
            f"{latest:%Y-%m-%d %H:%M} UTC, too recent to simulate a topic after it; "
            "fill one that ends earlier (`python -m bench.query --end DATE ...`)"
        )
    return filled, start, (datetime.now(UTC) - start).total_seconds() / 86_400


def _profile(workload: Workload, raw: Path) -> str | None:
    """One more drain with every aggregate, sampled by py-spy; its summary, or None when
    py-spy wrote nothing (it needs ptrace: root, or kernel.yama.ptrace_scope 0)."""
    PulseConsumer(aggregates=True, profile_to=raw).measure(workload, 0)
    return top_functions(raw) if raw.exists() else None


def read_filled_database(
    admin_url: str, name: str | None
) -> tuple[FilledDatabase | None, datetime | None]:
    """Database `name` as the filled contenders name it, and its newest fact's time
    (None, None without a `--filled-database`)."""
    if name is None:
        return None, None
    try:
        with psycopg.connect(database_url(admin_url, name)) as conn:
            row = conn.execute(load_sql("bench/filled_database")).fetchone()
    except psycopg.OperationalError as exc:
        raise FilledDatabaseError(
            f"--filled-database {name}: cannot open it ({first_line(exc)}); fill one with "
            f"`python -m bench.query --facts 10000000 --keep-as {name}`"
        ) from exc
    facts, latest, size = row or (0, None, 0)
    return FilledDatabase(name, int(facts), int(size)), latest


def on_filled_database(chosen: list[Contender], filled: FilledDatabase) -> list[PulseConsumer]:
    """The chosen Pulse contenders again, each run on a copy of the filled database."""
    return [
        PulseConsumer(aggregates=c.aggregates, filled=filled)
        for c in chosen
        if isinstance(c, PulseConsumer)
    ]
