"""The enrichment rules on the hand-written corpus (`tests/data/calls/`, LABELLING.md):
the acceptance figures of issue 15 in every transcript format, on the calls the rules
were tuned on and on the held-out calls written after they were frozen."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.calls_quality import ALL, HOLDOUT, measure_corpus
from consumer.calls import corpus
from consumer.calls.report import format_table
from consumer.calls.scoring import QualityReport

MIN_CONVERSION_F1 = 0.90
MIN_AMOUNT_EXACT = 0.90
MAX_FALSE_UPSELLS = 0.02
MIN_SENTIMENT_ACCURACY = 0.85


@pytest.fixture(scope="module")
def tuning() -> dict[str, QualityReport]:
    return measure_corpus(corpus.CORPUS_DIR)


@pytest.fixture(scope="module")
def held_out() -> dict[str, QualityReport]:
    return measure_corpus(corpus.CORPUS_DIR / HOLDOUT)


def test_the_corpus_has_every_format_and_its_hard_cases() -> None:
    calls = corpus.load()
    assert len(calls) >= 200
    by_format = {f: [c for c in calls if c.transcript_format == f] for f in corpus.FORMATS}
    for name, members in by_format.items():
        assert len(members) >= 30, name
        assert sum(c.upsell_amount is not None for c in members) >= 10, name
        assert {c.sentiment for c in members} == {"positive", "neutral", "negative"}, name
    notes = " ".join(c.note or "" for c in calls)
    for hard_case in ("declined", "refund", "words", "euros", "pounds", "not bad"):
        assert hard_case in notes, hard_case
    assert len({c.call_id for c in calls}) == len(calls)


@pytest.mark.parametrize("transcript_format", [*corpus.FORMATS, ALL])
def test_figures_on_the_tuning_corpus(
    tuning: dict[str, QualityReport], transcript_format: str
) -> None:
    _assert_figures(tuning, transcript_format)


def test_figures_on_the_held_out_calls(held_out: dict[str, QualityReport]) -> None:
    # Eight calls per format are too few for per-format thresholds (one miss is 0.125):
    # the held-out set is judged as a whole.
    assert held_out[ALL].calls >= 48
    _assert_figures(held_out, ALL)


def _assert_figures(reports: dict[str, QualityReport], key: str) -> None:
    report = reports[key]
    table = format_table(key, reports)
    assert report.calls > 0
    assert report.detection("conversion").f1 >= MIN_CONVERSION_F1, table
    assert report.true_upsells > 0
    assert report.amount_exact_share >= MIN_AMOUNT_EXACT, table
    assert report.false_upsell_share <= MAX_FALSE_UPSELLS, table
    assert report.sentiment_accuracy >= MIN_SENTIMENT_ACCURACY, table


def test_a_mislabelled_corpus_fails_the_figures(tmp_path: Path) -> None:
    """The figures can fail: the same calls with every sentiment label rotated score far
    below the bar."""
    rotate = {"positive": "neutral", "neutral": "negative", "negative": "positive"}
    for name in corpus.FORMATS:
        text = (corpus.CORPUS_DIR / f"{name}.txt").read_text(encoding="utf-8")
        for old, new in rotate.items():
            text = text.replace(f"sentiment: {old}\n", f"sentiment: {new.upper()}\n")
        (tmp_path / f"{name}.txt").write_text(text.lower(), encoding="utf-8")
    assert measure_corpus(tmp_path)[ALL].sentiment_accuracy < 0.2


def test_a_corpus_record_without_labels_is_refused() -> None:
    with pytest.raises(corpus.CorpusError, match="sentiment"):
        corpus.parse("### x-1\nconversion: none\nupsell: none\n---\nAgent: hi\n", "lines")
