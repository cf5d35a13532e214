"""The decision of issue 15 holds: on the hand-written corpus the rules read sentiment
and upsell amounts better than vaderSentiment and price-parser (dev dependencies)."""

from __future__ import annotations

import pytest

from bench import calls_alternatives as alternatives
from bench.calls_quality import ALL, HOLDOUT
from consumer.calls import corpus


@pytest.mark.parametrize("folder", ["", HOLDOUT])
def test_the_rules_beat_vader_on_sentiment(folder: str) -> None:
    directory = corpus.CORPUS_DIR / folder
    rules = alternatives.rules_accuracy(directory)[ALL]
    for threshold in alternatives.VADER_THRESHOLDS:
        assert alternatives.vader_accuracy(directory, threshold)[ALL] < rules


@pytest.mark.parametrize("folder", ["", HOLDOUT])
def test_the_rules_read_amounts_better_than_price_parser(folder: str) -> None:
    directory = corpus.CORPUS_DIR / folder
    ours = alternatives.amount_shares(directory, library=False)[ALL]
    assert alternatives.amount_shares(directory, library=True)[ALL] < ours
