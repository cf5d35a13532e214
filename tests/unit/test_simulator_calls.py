"""Support-call transcripts: the truth labels agree with what the templates say, amounts
are written in varied formats that parse back exactly, and distractors are present."""

from __future__ import annotations

import random
import re
from collections import Counter
from decimal import Decimal

import pytest

from producer import calls, transcripts
from producer.calls import format_amount, make_call, random_amount
from producer.population import Agent
from producer.records import CallTruth, Sentiment

_NUMBER = r"([\d,]+(?:\.\d\d)?)"
AMOUNT = re.compile(rf"\$\s?{_NUMBER}|{_NUMBER} (?:dollars|usd)|usd {_NUMBER}")
AGENTS = [Agent(f"agent-{i:03d}", f"Ann{i} Lee", close_rate=0.2 + i / 20) for i in range(10)]


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _amounts(text: str) -> list[Decimal]:
    return [
        Decimal(next(g for g in match.groups() if g).replace(",", ""))
        for match in AMOUNT.finditer(_normal(text))
    ]


def _phrases(templates: tuple[str, ...]) -> list[str]:
    # The fixed part of each template before its first placeholder.
    return [_normal(t.split("{")[0]) for t in templates if _normal(t.split("{")[0])]


@pytest.fixture(scope="module")
def sample() -> list[tuple[str, int, CallTruth]]:
    rng = random.Random(99)
    # One turn per line, so the tests can read the turns back; the layouts have their own.
    return [
        make_call(rng, AGENTS[i % len(AGENTS)], "Lopez headphones", transcript_format="lines")
        for i in range(3_000)
    ]


def _customer_lines(transcript: str) -> list[str]:
    return [
        _normal(line)[len("customer:") :].strip()
        for line in transcript.split("\n")
        if _normal(line).startswith("customer:")
    ]


def test_every_upsell_is_a_conversion_with_its_amount_in_the_text(
    sample: list[tuple[str, int, CallTruth]],
) -> None:
    for transcript, _, truth in sample:
        if truth.upsell_amount is None:
            assert truth.upsell_product is None
            continue
        assert truth.converted
        assert truth.upsell_amount == truth.upsell_amount.quantize(Decimal("0.01"))
        assert truth.upsell_amount in _amounts(transcript), transcript
        assert truth.upsell_product is not None
        assert truth.upsell_product.lower() in transcript.lower()


def test_conversions_are_said_and_refusals_are_not(
    sample: list[tuple[str, int, CallTruth]],
) -> None:
    accepts = [p for group in calls.ACCEPTS.values() for p in _phrases(group)]
    declines = _phrases(calls.DECLINES)
    for transcript, _, truth in sample:
        said = _customer_lines(transcript)
        accepted = any(line.startswith(p) for line in said for p in accepts)
        declined = any(line.startswith(p) for line in said for p in declines)
        assert accepted == truth.converted, transcript
        assert not (accepted and declined)


def test_sentiment_is_the_customers_closing_line(
    sample: list[tuple[str, int, CallTruth]],
) -> None:
    closings = {s: {_normal(t) for t in group} for s, group in calls.CLOSINGS.items()}
    for transcript, _, truth in sample:
        last = _customer_lines(transcript)[-1]
        assert last in closings[truth.sentiment], transcript
        for other in Sentiment:
            if other is not truth.sentiment:
                assert last not in closings[other]


def test_outcomes_are_mixed_and_agents_differ(sample: list[tuple[str, int, CallTruth]]) -> None:
    truths = [truth for _, _, truth in sample]
    converted = sum(t.converted for t in truths) / len(truths)
    upsells = sum(t.upsell_amount is not None for t in truths) / len(truths)
    assert 0.3 < converted < 0.7
    assert 0.1 < upsells < 0.35
    assert set(Counter(t.sentiment for t in truths)) == set(Sentiment)
    rate = {a.agent_id: [t.converted for t in truths if t.agent_id == a.agent_id] for a in AGENTS}
    best, worst = max(rate.values(), key=sum), min(rate.values(), key=sum)
    assert sum(best) / len(best) > 2 * sum(worst) / len(worst)


def test_negations_and_distractors_are_present(sample: list[tuple[str, int, CallTruth]]) -> None:
    texts = [_normal(t) for t, _, _ in sample]
    assert any("not happy" in t for t in texts)
    assert any("wasn't helpful" in t for t in texts)
    assert any("don't want to sign up" in t for t in texts)
    assert any("happy to help" in t for t, (_, _, truth) in zip(texts, sample, strict=True)
               if truth.sentiment is not Sentiment.POSITIVE)  # fmt: skip
    without_upsell = [
        t for t, (_, _, truth) in zip(texts, sample, strict=True) if truth.upsell_amount is None
    ]
    with_amounts = sum(1 for t in without_upsell if _amounts(t))
    assert with_amounts / len(without_upsell) > 0.4  # amounts that are not upsells


def test_every_template_is_used(sample: list[tuple[str, int, CallTruth]]) -> None:
    texts = "\n".join(_normal(t) for t, _, _ in sample)
    for group in (calls.GREETINGS, calls.ISSUES, calls.UPSELL_OFFERS, calls.DECLINES):
        for phrase in _phrases(group):
            assert phrase in texts, phrase


@pytest.mark.parametrize("seed", range(5))
def test_amount_formats_parse_back_exactly(seed: int) -> None:
    rng = random.Random(seed)
    styles: Counter[str] = Counter()
    for _ in range(500):
        amount = random_amount(rng)
        written = format_amount(rng, amount)
        assert _amounts(written) == [amount], written
        styles[re.sub(r"[\d,.]+", "N", written)] += 1
    assert {"$N", "N dollars", "USD N", "N USD"} <= set(styles)


def test_durations_and_lengths_fit_the_contract(sample: list[tuple[str, int, CallTruth]]) -> None:
    assert all(1 <= duration <= 86_400 for _, duration, _ in sample)
    assert all(0 < len(transcript) <= 20_000 for transcript, _, _ in sample)


def test_transcripts_come_in_every_layout_with_the_same_truth() -> None:
    rng = random.Random(5)
    made = [make_call(rng, AGENTS[i % len(AGENTS)], "Lopez headphones") for i in range(2_000)]
    layouts = Counter(truth.transcript_format for _, _, truth in made)
    assert set(layouts) == set(transcripts.FORMATS)
    assert layouts["lines"] > layouts["stt"] > 100
    for transcript, _, truth in made:
        if truth.transcript_format == "stt":
            assert ":" not in transcript.replace("o'clock", "")
            assert transcript == transcript.lower()
            assert not re.search(r"[.!?](?!\d)", transcript)
        elif truth.transcript_format == "inline":
            assert "\n" not in transcript
            assert transcript.startswith("Agent: ")
        if truth.upsell_amount is not None:
            assert truth.upsell_amount in _amounts(transcript), transcript


@pytest.mark.parametrize("layout", transcripts.FORMATS)
def test_every_layout_keeps_what_is_said(layout: str) -> None:
    said = [(True, "Hello, this is Ann."), (False, "I'll take it for $1,299.00, thanks!")]
    text = transcripts.render(random.Random(1), said, layout)
    assert "1,299.00" in text
    assert "ann" in text.lower()
