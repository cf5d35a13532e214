"""The enrichment rules against the simulator's ground truth on 10,000 calls with a fixed
seed (`python -m consumer.calls.quality --calls 10000 --seed 7` prints the same figures)."""

from __future__ import annotations

import pytest

from consumer.calls.quality import format_report, measure
from consumer.calls.scoring import QualityReport

SEED = 7
CALLS = 10_000


@pytest.fixture(scope="module")
def report() -> QualityReport:
    return measure(CALLS, SEED)


@pytest.mark.slow
def test_conversion_and_upsell_detection(report: QualityReport) -> None:
    assert report.calls == CALLS
    for name in ("conversion", "upsell"):
        detection = report.detection(name)
        assert detection.true_positives > 500, name  # the sample has enough of each
        assert detection.f1 >= 0.95, format_report(report, seed=SEED)


@pytest.mark.slow
def test_upsell_amounts_and_sentiment(report: QualityReport) -> None:
    assert report.amount_exact_share >= 0.98, format_report(report, seed=SEED)
    assert report.sentiment_accuracy >= 0.9, format_report(report, seed=SEED)
    assert report.agent_name_consistency >= 0.99, format_report(report, seed=SEED)
