"""Query benchmark (issue 9, item 6): the README's analytics queries (every file of
`sql/queries/`) run many times each on a database filled to a given number of facts by
the consumer's own batch path (`bench.query.fill`: real facts and real aggregates, no Kafka);
reports p50 / p95 / max latency per query.

Run from the repository root with the stack up (`make up`):
`.venv/bin/python -m bench.query [--facts 1000000] [--runs 30] [--quick]`
(10M facts: `--facts 10000000`; the fill then takes a long time, see the report.)
"""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime

import psycopg

from bench.common import machine
from bench.common.cli import benchmark_parser, run_benchmark
from bench.common.results import write_results
from bench.common.scratch import database_url, drop_database, scratch_database, unique_name
from bench.query import api_latency
from bench.query.fill import FillResult, fill
from bench.query.report import fill_payload, render
from bench.query.timing import FIXED_PARAMETERS, time_queries
from pulse.cli_help import utc_moment
from pulse.settings import Settings

QUICK_FACTS, QUICK_RUNS = 20_000, 5


def build_parser() -> argparse.ArgumentParser:
    parser = benchmark_parser("python -m bench.query", __doc__)
    parser.add_argument("--facts", type=int, help="events to write (default 1,000,000)")
    parser.add_argument("--runs", type=int, help="timed runs of every query (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_FACTS:,} facts, {QUICK_RUNS} runs"
    )
    parser.add_argument("--users", type=int, help="simulated population (default facts / 100)")
    parser.add_argument("--days", type=float, default=364.0, help="simulated days of history")
    parser.add_argument(
        "--end",
        type=utc_moment,
        metavar="DATE",
        help="the simulated history ends at DATE (ISO-8601, UTC unless given; default now): "
        "end it days ago to leave room for `bench.consumer --after-filled`",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database",
        help="query this already filled database (a name) instead of filling a new one",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the filled database (its name is printed)"
    )
    parser.add_argument(
        "--keep-as",
        metavar="NAME",
        help="fill database NAME (dropping an earlier one of that name) and keep it, e.g. for "
        "`python -m bench.consumer --filled-database NAME`",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(build_parser(), _bench, argv)


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    started_at = datetime.now(UTC)
    facts = args.facts or (QUICK_FACTS if args.quick else 1_000_000)
    runs = args.runs or (QUICK_RUNS if args.quick else 30)
    admin_url = settings.migrations_database_url.get_secret_value()  # creates databases
    details = machine.describe(admin_url)
    name = args.database or args.keep_as or unique_name("pulse_bench_queries_")
    keep = args.keep or args.keep_as is not None
    if args.keep_as and args.database is None:
        drop_database(admin_url, args.keep_as)
    filled: FillResult | None = None
    with _database(admin_url, name, create=args.database is None, keep=keep) as url:
        if args.database is None:
            users = args.users or max(facts // 100, 1000)
            print(f"filling {name} with {facts:,} events ...", file=sys.stderr, flush=True)
            filled = fill(
                url, name, settings=settings, records=facts, users=users, seed=args.seed,
                days=args.days, end=args.end,
            )  # fmt: skip
            print(f"filled in {filled.seconds:.0f} s; vacuum analyze ...", file=sys.stderr)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("vacuum analyze")
        timings = time_queries(url, runs=runs, warmup=args.warmup)
        # The HTTP API over the same database, each endpoint beside its query (issue 18).
        api_lines, api_payload = api_latency.measure(
            url, FIXED_PARAMETERS, runs=runs, warmup=args.warmup
        )
    markdown = "\n".join(
        [render(started_at, details, timings, filled=filled, runs=runs), "", *api_lines]
    )
    payload = {
        "started_at": started_at.isoformat(),
        "machine": details,
        "facts": timings.facts,
        "database_bytes": timings.database_bytes,
        "machine_busy_cores": timings.busy_cores,
        "runs": runs,
        "fill": fill_payload(filled),
        "queries": {
            query: {"rows": rows, "seconds": seconds}
            for query, (rows, seconds) in timings.by_query.items()
        },
        "endpoints": api_payload,
    }
    md_path, json_path = write_results(
        args.results_dir, name="queries", started_at=started_at, markdown=markdown,
        payload=payload,
    )  # fmt: skip
    print(markdown)
    print(f"written: {md_path} and {json_path}", file=sys.stderr)
    if keep and args.database is None:
        print(f"kept database {name}: rerun with --database {name}", file=sys.stderr)
    return 0


def _database(
    admin_url: str, name: str, *, create: bool, keep: bool
) -> AbstractContextManager[str]:
    """The URL of database `name`: created first unless it exists already (`create`
    false), dropped afterwards unless kept or not ours."""
    if not create:
        return nullcontext(database_url(admin_url, name))
    return scratch_database(admin_url, name, keep=keep)
