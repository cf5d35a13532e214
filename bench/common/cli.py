"""What every benchmark's command line shares: its parser's shape (the module's docstring
as help, `--results-dir`) and one line on stderr instead of a traceback when a setting is
wrong or a service is down."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
from kafka.errors import KafkaError

from bench.common.results import RESULTS_DIR
from pulse.errors import PulseError
from pulse.settings import Settings, load_settings


def benchmark_parser(prog: str, description: str | None) -> argparse.ArgumentParser:
    """A parser that shows the module's docstring as it is written; `--results-dir` is
    added by `run_benchmark`, last."""
    return argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def run_benchmark(
    parser: argparse.ArgumentParser,
    bench: Callable[[argparse.Namespace, Settings], int],
    argv: list[str] | None,
) -> int:
    """Parses argv (with `--results-dir`), reads the settings and runs the benchmark."""
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    return run_reporting_errors(lambda: bench(args, load_settings()))


def run_reporting_errors(bench: Callable[[], int]) -> int:
    """Runs a benchmark; bad settings or a service that is down end it with one line
    on stderr and exit code 1, not a traceback."""
    try:
        return bench()
    except (PulseError, KafkaError, psycopg.OperationalError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {detail}{_hint(exc)}", file=sys.stderr)
        return 1


def _hint(exc: Exception) -> str:
    if isinstance(exc, KafkaError):
        return " (is Kafka up, `make up`, and KAFKA_BOOTSTRAP_SERVERS right?)"
    if isinstance(exc, psycopg.OperationalError):
        return " (is PostgreSQL up, `make up`, and MIGRATIONS_DATABASE_URL right?)"
    return ""
