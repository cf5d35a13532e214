"""Measures the enrichment rules against the traffic simulator's ground truth: support
calls made by the producer's own session planner, encoded as the producer sends them,
validated by the contract and enriched, then compared call by call.

    python -m consumer.calls.quality --calls 10000 --seed 7
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from consumer.calls.enrich import CallAnalysis, analyse
from consumer.contract import EVENT_ADAPTER, SupportCall

_SESSION = (
    '"user_id":"u-quality","session_id":"s-quality","device":"desktop",'
    '"location":{"country":"US","city":"Springfield"}'
)


@dataclass(frozen=True, slots=True)
class Detection:
    """Precision and recall of a yes/no detection."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class QualityReport:
    calls: int = 0
    conversion: Counter[str] = field(default_factory=Counter)
    upsell: Counter[str] = field(default_factory=Counter)
    amounts_exact: int = 0
    products_exact: int = 0
    sentiment_correct: int = 0
    sentiment_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    agent_names: dict[str, Counter[str]] = field(default_factory=dict)

    def detection(self, name: str) -> Detection:
        counts = self.conversion if name == "conversion" else self.upsell
        return Detection(counts["tp"], counts["fp"], counts["fn"])

    @property
    def true_upsells(self) -> int:
        return self.upsell["tp"] + self.upsell["fn"]

    @property
    def amount_exact_share(self) -> float:
        return self.amounts_exact / self.true_upsells if self.true_upsells else 1.0

    @property
    def product_exact_share(self) -> float:
        return self.products_exact / self.true_upsells if self.true_upsells else 1.0

    @property
    def sentiment_accuracy(self) -> float:
        return self.sentiment_correct / self.calls if self.calls else 1.0

    @property
    def agent_name_consistency(self) -> float:
        """Share of calls whose normalised agent name is the agent's usual one."""
        usual = sum(names.most_common(1)[0][1] for names in self.agent_names.values())
        return usual / self.calls if self.calls else 1.0


def simulated_calls(calls: int, seed: int) -> Iterator[tuple[SupportCall, dict[str, object]]]:
    """(validated event, truth) pairs from the producer's session planner."""
    # Imported here: the consumer does not depend on the producer, only this tool does.
    from producer.encoding import encode, new_uuid  # noqa: PLC0415
    from producer.sessions import SessionPlanner  # noqa: PLC0415
    from producer.world import build_world  # noqa: PLC0415

    rng = random.Random(seed)
    planner = SessionPlanner(build_world(users=20_000, seed=seed), rng)
    for _ in range(calls):
        step = next(planner.support_call())
        raw = encode(new_uuid(rng), "2026-01-05T10:00:00Z", _SESSION, step.tail)
        event = EVENT_ADAPTER.validate_json(raw)
        assert isinstance(event, SupportCall)
        assert step.call is not None
        yield event, step.call._asdict()


def measure(calls: int, seed: int) -> QualityReport:
    report = QualityReport()
    for event, truth in simulated_calls(calls, seed):
        score(report, event, analyse(event.agent_name, event.transcript), truth)
    return report


def score(
    report: QualityReport, event: SupportCall, found: CallAnalysis, truth: dict[str, object]
) -> None:
    report.calls += 1
    _count(report.conversion, found.is_converted, bool(truth["converted"]))
    true_amount = truth["upsell_amount"]
    _count(report.upsell, found.upsell_amount is not None, true_amount is not None)
    if isinstance(true_amount, Decimal) and found.upsell_amount == true_amount:
        report.amounts_exact += 1
        if found.upsell_product == _product(truth["upsell_product"]):
            report.products_exact += 1
    true_sentiment = str(truth["sentiment"])
    report.sentiment_correct += found.sentiment.value == true_sentiment
    report.sentiment_confusion[(true_sentiment, found.sentiment.value)] += 1
    report.agent_names.setdefault(event.agent_id, Counter())[found.agent_name] += 1


def _count(counts: Counter[str], found: bool, actual: bool) -> None:
    if found and actual:
        counts["tp"] += 1
    elif found:
        counts["fp"] += 1
    elif actual:
        counts["fn"] += 1
    else:
        counts["tn"] += 1


def _product(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    lowered = " ".join(name.lower().split())
    for article in ("the ", "a ", "an "):
        if lowered.startswith(article):
            return lowered[len(article) :]
    return lowered


def format_report(report: QualityReport, *, seed: int) -> str:
    lines = [f"{report.calls} simulated support calls, seed {seed}", ""]
    lines.append(f"{'detection':<12}{'precision':>11}{'recall':>9}{'F1':>8}  tp / fp / fn")
    for name in ("conversion", "upsell"):
        d = report.detection(name)
        lines.append(
            f"{name:<12}{d.precision:>11.4f}{d.recall:>9.4f}{d.f1:>8.4f}  "
            f"{d.true_positives} / {d.false_positives} / {d.false_negatives}"
        )
    lines += [
        "",
        f"upsell amounts exact:    {report.amount_exact_share:.4f}"
        f"  ({report.amounts_exact} of {report.true_upsells} true upsells)",
        f"upsell products exact:   {report.product_exact_share:.4f}",
        f"sentiment accuracy:      {report.sentiment_accuracy:.4f}",
        f"agent names consistent:  {report.agent_name_consistency:.4f}",
    ]
    wrong = [(k, v) for k, v in sorted(report.sentiment_confusion.items()) if k[0] != k[1]]
    if wrong:
        lines.append("sentiment errors (true -> found): " + ", ".join(
            f"{t} -> {f}: {n}" for (t, f), n in wrong
        ))  # fmt: skip
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m consumer.calls.quality", description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000, help="simulated calls to score")
    parser.add_argument("--seed", type=int, default=7, help="simulator seed")
    args = parser.parse_args(argv)
    print(format_report(measure(args.calls, args.seed), seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
