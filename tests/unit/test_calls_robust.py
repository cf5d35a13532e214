"""Enrichment never raises and finishes in bounded time, for any text, and an upsell
amount always fits `support_calls.upsell_amount numeric(12,2)` (a record that made the
enrichment raise, or the insert fail, would cost a dead letter; see DESIGN.md, point 5)."""

from __future__ import annotations

import random
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consumer.calls.enrich import MAX_ANALYSED_CHARS, CallAnalysis, analyse
from consumer.calls.money import MAX_UPSELL_AMOUNT, amounts

# Generous for a shared 2-core CI machine: the worst case measured is ~0.3 s.
BOUND_SECONDS = 2.0
_PIECES = (
    "$", "9", "99", ".", ",", "usd", "1e400", "agent:", "customer:", "a:", "c:", "rep -",
    "[00:01:12]", "add", "for", "yes", "no", "$999999999999999999999999999", "forty-nine",
    "ninety", "dollars", "€", "£12", "ca$", "extra", "would you like", "ok", "booked",
    "1,000,000", "\n", "\x00", "thousand", "hundred", "and", "not", "happy", "terrible",
)  # fmt: skip


def _assert_sane(found: CallAnalysis) -> None:
    amount = found.upsell_amount
    if amount is not None:
        assert Decimal(0) <= amount <= MAX_UPSELL_AMOUNT
        assert amount == amount.quantize(Decimal("0.01"))
        assert found.conversion_kind is not None  # the table's check constraint


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agent=st.text(max_size=200), transcript=st.text(max_size=3_000))
def test_any_text_is_enriched_without_raising(agent: str, transcript: str) -> None:
    _assert_sane(analyse(agent, transcript))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=400), st.integers(0, 40))
def test_transcript_like_text_is_enriched_without_raising(pieces: list[str], skip: int) -> None:
    _assert_sane(analyse("agent", " ".join(pieces[skip:] + pieces[:skip])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=20), min_size=1, max_size=60))
def test_hundred_thousand_character_transcripts_finish_in_bounded_time(pieces: list[str]) -> None:
    unit = " ".join(pieces) + " "
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    started = time.perf_counter()
    _assert_sane(analyse("agent", text))
    assert time.perf_counter() - started < BOUND_SECONDS


@pytest.mark.parametrize(
    "text",
    [
        "Agent: I can add it for $999999999999999999999999999. Customer: Yes.",
        "Agent: I can add it for USD 1e400. Customer: Yes.",
        "Agent: I can add it for $10,000,000,000.00. Customer: Yes.",
        "Agent: I can add it for nine hundred ninety nine thousand thousand thousand "
        "thousand dollars. Customer: Yes.",
        "Agent: add x for \x00$5\x00. Customer: yes\x00",
    ],
)
def test_an_amount_too_large_for_the_column_is_no_amount(text: str) -> None:
    found = analyse("a", text)
    _assert_sane(found)
    assert found.upsell_amount in (None, Decimal("5.00"))


def test_the_largest_amount_that_fits_is_kept() -> None:
    found = analyse("a", "Agent: I can add the fleet for $9,999,999,999.99.\nCustomer: Yes.")
    assert found.upsell_amount == MAX_UPSELL_AMOUNT


def test_accepted_upsells_that_add_up_past_the_column_are_no_amount() -> None:
    offer = "Agent: I can also add a yacht for $6,000,000,000.\nCustomer: Yes, add it.\n"
    found = analyse("a", offer * 2)
    assert found.upsell_amount is None


def test_amounts_are_never_negative_nor_read_from_longer_numbers() -> None:
    assert amounts("-$5 and 12345678901234567890 dollars and $1e3") == []


@pytest.mark.parametrize("length", [20_000, 100_000])
def test_a_long_transcript_of_numbers_currencies_and_labels_is_enriched_in_bounded_time(
    length: int,
) -> None:
    rng = random.Random(15)
    text = " ".join(rng.choice(_PIECES) for _ in range(length // 3))[:length]
    assert len(text) == length
    started = time.perf_counter()
    found = analyse("agent", text)
    assert time.perf_counter() - started < BOUND_SECONDS
    _assert_sane(found)


@pytest.mark.parametrize(
    "text",
    [
        "9" * 100_000,
        "agent: x customer: y " * 5_000,
        "would you like to add the thing for " * 3_000,
        "forty nine " * 10_000,
        "1." * 50_000,
    ],
)
def test_pathological_transcripts_finish_in_bounded_time(text: str) -> None:
    started = time.perf_counter()
    _assert_sane(analyse("agent", text))
    assert time.perf_counter() - started < BOUND_SECONDS


def test_only_the_first_characters_are_analysed_but_all_are_kept() -> None:
    tail = "\nAgent: I can add a warranty for $5.\nCustomer: Yes."
    found = analyse("a", "x " * MAX_ANALYSED_CHARS + tail)
    assert found.upsell_amount is None
    assert found.transcript_clean.endswith("customer: yes.")
