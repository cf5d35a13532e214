"""Scoring enriched calls against what is known to be in them: detection counts, upsell
amounts, sentiment, and confusion matrices for conversion and sentiment. Used by
`quality` for both the simulator's ground truth and the hand-written corpus."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from consumer.calls.enrich import CallAnalysis

NOT_CONVERTED = "none"
CONVERTED = "converted"  # a conversion of unknown kind (the simulator does not say which)


@dataclass(frozen=True, slots=True)
class Truth:
    """What a call really contains."""

    converted: bool
    conversion_kind: str | None  # None: not converted, or converted of an unknown kind
    upsell_amount: Decimal | None
    upsell_product: str | None
    sentiment: str
    transcript_format: str


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
    # (true, found) -> calls; conversion labels are kinds, CONVERTED or NOT_CONVERTED.
    conversion_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    sentiment_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    agent_names: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)  # call ids scored wrong, for review

    def detection(self, name: str) -> Detection:
        counts = self.conversion if name == "conversion" else self.upsell
        return Detection(counts["tp"], counts["fp"], counts["fn"])

    @property
    def true_upsells(self) -> int:
        return self.upsell["tp"] + self.upsell["fn"]

    @property
    def amount_exact_share(self) -> float:
        """Share of the calls with an accepted upsell whose amount is found exactly."""
        return self.amounts_exact / self.true_upsells if self.true_upsells else 1.0

    @property
    def false_upsell_share(self) -> float:
        """Share of the calls without an accepted upsell that are reported with one."""
        without = self.upsell["fp"] + self.upsell["tn"]
        return self.upsell["fp"] / without if without else 0.0

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


def score(
    report: QualityReport, found: CallAnalysis, truth: Truth, *, call_id: str, agent_id: str
) -> None:
    """Adds one call to `report`."""
    report.calls += 1
    wrong = _count(report.conversion, found.is_converted, truth.converted)
    report.conversion_confusion[(_true_kind(truth), _found_kind(found, truth))] += 1
    wrong |= _count(report.upsell, found.upsell_amount is not None, truth.upsell_amount is not None)
    if truth.upsell_amount is not None and found.upsell_amount == truth.upsell_amount:
        report.amounts_exact += 1
        if normal_product(found.upsell_product) == normal_product(truth.upsell_product):
            report.products_exact += 1
    elif truth.upsell_amount is not None:
        wrong = True
    is_right = found.sentiment.value == truth.sentiment
    report.sentiment_correct += is_right
    report.sentiment_confusion[(truth.sentiment, found.sentiment.value)] += 1
    report.agent_names.setdefault(agent_id, Counter())[found.agent_name] += 1
    if wrong or not is_right:
        report.misses.append(call_id)


def _count(counts: Counter[str], found: bool, actual: bool) -> bool:
    """Counts one yes/no outcome; True when it is wrong."""
    key = {(True, True): "tp", (True, False): "fp", (False, True): "fn", (False, False): "tn"}
    counts[key[(found, actual)]] += 1
    return found != actual


def _true_kind(truth: Truth) -> str:
    if not truth.converted:
        return NOT_CONVERTED
    return truth.conversion_kind or CONVERTED


def _found_kind(found: CallAnalysis, truth: Truth) -> str:
    if found.conversion_kind is None:
        return NOT_CONVERTED
    # Without a true kind to compare with, the kind found says nothing: only yes/no.
    return found.conversion_kind.value if truth.conversion_kind else CONVERTED


def normal_product(name: str | None) -> str | None:
    """A product name compared without case, spacing or a leading article."""
    if name is None:
        return None
    lowered = " ".join(name.lower().split())
    for article in ("the ", "a ", "an "):
        if lowered.startswith(article):
            return lowered[len(article) :]
    return lowered
