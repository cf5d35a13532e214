"""The enrichment rules against the simulator's ground truth on 10,000 calls with a fixed
seed (`python -m bench.calls_quality --calls 10000 --seed 7` prints the same figures),
over all calls and in every transcript layout the simulator writes. The simulator and the
rules know each other's phrasing, so these bars are higher than the hand-written corpus'
(tests/unit/test_calls_corpus.py), which is what says whether the rules work."""

from __future__ import annotations

import pytest

from bench.calls_quality import ALL, format_report, measure_simulator
from consumer.calls.report import format_table
from consumer.calls.scoring import QualityReport
from producer.transcripts import FORMATS

SEED = 7
CALLS = 10_000


@pytest.fixture(scope="module")
def reports() -> dict[str, QualityReport]:
    return measure_simulator(CALLS, SEED)


@pytest.mark.slow
def test_conversion_and_upsell_detection(reports: dict[str, QualityReport]) -> None:
    report = reports[ALL]
    assert report.calls == CALLS
    for name in ("conversion", "upsell"):
        detection = report.detection(name)
        assert detection.true_positives > 500, name  # the sample has enough of each
        assert detection.f1 >= 0.95, format_report(report, seed=SEED)


@pytest.mark.slow
def test_upsell_amounts_and_sentiment(reports: dict[str, QualityReport]) -> None:
    report = reports[ALL]
    assert report.amount_exact_share >= 0.98, format_report(report, seed=SEED)
    assert report.sentiment_accuracy >= 0.9, format_report(report, seed=SEED)
    assert report.agent_name_consistency >= 0.99, format_report(report, seed=SEED)


@pytest.mark.slow
@pytest.mark.parametrize("layout", FORMATS)
def test_every_layout(reports: dict[str, QualityReport], layout: str) -> None:
    report = reports[layout]
    table = format_table(layout, reports)
    assert report.calls > 500, layout
    assert report.detection("conversion").f1 >= 0.95, table
    assert report.amount_exact_share >= 0.9, table
    assert report.false_upsell_share <= 0.02, table
    assert report.sentiment_accuracy >= 0.9, table
