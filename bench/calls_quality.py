"""Measures the enrichment rules, per transcript format, on two sets of calls:

- the hand-written corpus (`tests/data/calls/`, see its LABELLING.md): text the rules
  were not generated from, which is what says whether they work;
- the traffic simulator's calls: made by the producer's own session planner, encoded as
  the producer sends them, validated by the contract and enriched. Its templates and the
  rules know each other, so this only checks that the demo's figures are right.

    python -m bench.calls_quality --calls 10000 --seed 7
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from consumer.calls import corpus
from consumer.calls.enrich import analyse
from consumer.calls.report import format_report, format_table
from consumer.calls.scoring import QualityReport, Truth, score
from producer.encoding import encode, new_uuid
from producer.sessions import SessionPlanner
from producer.world import build_world
from pulse.contract import EVENT_ADAPTER, SupportCall

ALL = "all"  # the key of the report over every format
# Calls written after the rules were frozen and measured as they were: the figure to trust.
HOLDOUT = "holdout"
_SESSION = (
    '"user_id":"u-quality","session_id":"s-quality","device":"desktop",'
    '"location":{"country":"US","city":"Springfield"}'
)

__all__ = ["ALL", "format_report", "measure", "measure_corpus", "measure_simulator"]


def simulated_calls(calls: int, seed: int) -> Iterator[tuple[SupportCall, Truth]]:
    """(validated event, truth) pairs from the producer's session planner."""
    rng = random.Random(seed)
    planner = SessionPlanner(build_world(users=20_000, seed=seed), rng)
    for _ in range(calls):
        step = next(planner.support_call())
        raw = encode(new_uuid(rng), "2026-01-05T10:00:00Z", _SESSION, step.tail)
        event = EVENT_ADAPTER.validate_json(raw)
        assert isinstance(event, SupportCall)
        assert step.call is not None
        truth = step.call
        yield (
            event,
            Truth(
                converted=truth.converted,
                conversion_kind=None,
                upsell_amount=truth.upsell_amount,
                upsell_product=truth.upsell_product,
                sentiment=str(truth.sentiment),
                transcript_format=truth.transcript_format,
            ),
        )


def measure_simulator(calls: int, seed: int) -> dict[str, QualityReport]:
    """Reports by transcript format, and over all of them under ALL."""
    reports: dict[str, QualityReport] = {}
    for event, truth in simulated_calls(calls, seed):
        found = analyse(event.agent_name, event.transcript)
        for key in (truth.transcript_format, ALL):
            report = reports.setdefault(key, QualityReport())
            score(report, found, truth, call_id=event.call_id, agent_id=event.agent_id)
    return reports


def measure(calls: int, seed: int) -> QualityReport:
    """The simulator's report over every format."""
    return measure_simulator(calls, seed)[ALL]


def measure_corpus(directory: Path = corpus.CORPUS_DIR) -> dict[str, QualityReport]:
    """Reports by transcript format, and over all of them under ALL."""
    reports: dict[str, QualityReport] = {}
    for call in corpus.load(directory):
        found = analyse("corpus", call.transcript)
        truth = Truth(
            converted=call.conversion_kind is not None,
            conversion_kind=call.conversion_kind,
            upsell_amount=call.upsell_amount,
            upsell_product=call.upsell_product,
            sentiment=call.sentiment,
            transcript_format=call.transcript_format,
        )
        for key in (call.transcript_format, ALL):
            report = reports.setdefault(key, QualityReport())
            score(report, found, truth, call_id=call.call_id, agent_id="corpus")
    return reports


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calls_quality", description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000, help="simulated calls to score")
    parser.add_argument("--seed", type=int, default=7, help="simulator seed")
    parser.add_argument("--corpus", type=Path, default=corpus.CORPUS_DIR, help="corpus folder")
    parser.add_argument("--misses", action="store_true", help="list the calls scored wrong")
    args = parser.parse_args(argv)
    hand = measure_corpus(args.corpus)
    print(format_table(f"Hand-written corpus ({args.corpus})", hand, misses=args.misses))
    print()
    if (args.corpus / HOLDOUT).is_dir():
        held_out = measure_corpus(args.corpus / HOLDOUT)
        title = f"Held-out hand-written calls ({args.corpus / HOLDOUT}, never tuned on)"
        print(format_table(title, held_out, misses=args.misses))
        print()
    simulated = measure_simulator(args.calls, args.seed)
    title = f"Simulator: {args.calls} calls, seed {args.seed}"
    print(format_table(title, simulated, misses=args.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
