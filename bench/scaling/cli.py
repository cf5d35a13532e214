"""Capacity arithmetic (issue 17): what 10k, 100k and 1M events/s take, derived from the
per-event figures in the inputs table of docs/scaling.md.

  python -m bench.scaling           print the derived section
  python -m bench.scaling --write   recompute the derived section of docs/scaling.md
  python -m bench.scaling --check   exit 1 if that section does not follow from the inputs

With `--consumer-results bench/results/<time>-consumer.json`, C_consumer, C_pg and C_fetch
are first taken from that consumer benchmark ("Pulse, every aggregate"; C_pg from its run
on a filled database when it has one) and written into the inputs table with `--write`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.common.cli import run_reporting_errors
from bench.scaling.doc import (
    ScalingDocError,
    derived_markdown,
    read_inputs,
    with_derived,
    with_inputs,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "scaling.md"
_PULSE = "Pulse, every aggregate"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scaling",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--doc", type=Path, default=DOC, help="the document (default docs/scaling.md)"
    )
    parser.add_argument(
        "--consumer-results", type=Path, metavar="JSON", help="a consumer benchmark's JSON"
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the result into the document")
    action.add_argument("--check", action="store_true", help="exit 1 if the document is stale")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_reporting_errors(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    try:
        text = args.doc.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScalingDocError(f"cannot read {args.doc} ({exc.strerror}): give --doc PATH") from None
    original = text
    if args.consumer_results is not None:
        text = with_inputs(text, consumer_inputs(args.consumer_results))
    updated = with_derived(text)
    if args.check:
        if updated != original:
            print(f"{args.doc} is stale: run `python -m bench.scaling --write`", file=sys.stderr)
            return 1
        return 0
    if args.write:
        args.doc.write_text(updated, encoding="utf-8")
        print(f"written: {args.doc}", file=sys.stderr)
        return 0
    print(derived_markdown(read_inputs(text)))
    return 0


def consumer_inputs(path: Path) -> dict[str, tuple[float, str]]:
    """C_consumer, C_pg and C_fetch in µs per event from a consumer benchmark's summary."""
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ScalingDocError(f"{path}: not a consumer benchmark's JSON ({exc})") from None
    rows = {row["contender"]: row for row in summary}
    empty = rows.get(_PULSE)
    filled = next((row for name, row in rows.items() if name.startswith(f"{_PULSE}, on ")), None)
    if empty is None or empty.get("cpu_per_1k_s") is None:
        raise ScalingDocError(f"{path} has no '{_PULSE}' run: run the consumer benchmark with it")
    source = f"`bench/results/{path.stem}.md`"
    pg_row = filled if filled is not None and filled.get("postgres_cpu_per_1k_s") else empty
    if pg_row.get("postgres_cpu_per_1k_s") is None or empty.get("broker_cpu_per_1k_s") is None:
        raise ScalingDocError(f"{path}: the '{_PULSE}' run has no PostgreSQL or broker CPU figure")
    pg_source = f"{source}, {pg_row['contender']}"
    return {
        "C_consumer": (empty["cpu_per_1k_s"] * 1000, source),
        "C_pg": (pg_row["postgres_cpu_per_1k_s"] * 1000, pg_source),
        "C_fetch": (empty["broker_cpu_per_1k_s"] * 1000, source),
    }
