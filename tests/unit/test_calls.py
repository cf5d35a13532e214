"""Support-call enrichment rules on hand-written transcripts (phrasings the simulator does
not use), the staging rows, and what the contract dead-letters before enrichment."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from consumer.calls.enrich import RULES_VERSION, ConversionKind, Sentiment, analyse
from consumer.calls.rows import CALL_COLUMNS, call_rows_from_facts
from consumer.calls.text import amounts, clean_transcript, normalise_agent_name
from consumer.ingest.decode import Rejection, decode_event
from consumer.store.facts import fact_row
from pulse.contract import RejectReason, SupportCall, TimeWindow

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)
WINDOW = TimeWindow(now=NOW, late_horizon=timedelta(days=7), clock_skew=timedelta(minutes=5))


def _call(*lines: str) -> str:
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Total: $1,299.00 today", [Decimal("1299.00")]),
        ("it's 49 dollars, or USD 20, or 20 usd", [Decimal(49), Decimal(20), Decimal(20)]),
        ("$ 7.5 and 3 bucks", [Decimal("7.50"), Decimal(3)]),
        ("just $49.", [Decimal(49)]),
        ("order 12345 on the 3rd, 2 days", []),
    ],
)
def test_amounts_are_read_exactly_in_every_format(text: str, expected: list[Decimal]) -> None:
    assert amounts(clean_transcript(text)) == expected


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("  ann   o'neil ", "Ann O'Neil"),
        ("MARY-JANE SMITH JR.", "Mary-Jane Smith Jr."),
        ("dr. kim lee md", "Dr. Kim Lee MD"),
        ("Ann  McKay", "Ann McKay"),  # mixed case: kept as typed
    ],
)
def test_agent_names_are_normalised(raw: str, name: str) -> None:
    assert normalise_agent_name(raw) == name


def test_transcripts_are_cleaned_of_whitespace_and_case() -> None:
    raw = "Agent:  Hello\u2019s   THERE\n\n  Customer: Hi  "
    assert clean_transcript(raw) == "agent: hello's there\ncustomer: hi"


@pytest.mark.parametrize(
    ("customer", "kind"),
    [
        ("Great, please reserve the Thursday slot.", ConversionKind.BOOKING),
        ("Fine. I'd like to buy two of them.", ConversionKind.PURCHASE),
        ("Could you enroll me in the yearly plan?", ConversionKind.SIGNUP),
        ("OK let's go ahead and place the order.", ConversionKind.PURCHASE),
        ("I'm not going to buy it.", None),
        ("I'd rather not book anything, I'll maybe schedule later.", None),
        ("Should I subscribe?", None),
        ("I ordered it last week and booked a visit.", None),
        ("My order number is 5512, the booking reference is lost.", None),
        ("I might sign up next month.", None),
        ("I will not register today.", None),
    ],
)
def test_conversion_is_a_commitment_not_negated_hedged_or_asked(
    customer: str, kind: ConversionKind | None
) -> None:
    found = analyse("a", _call("Agent: How can I help?", f"Customer: {customer}"))
    assert found.conversion_kind == kind


def test_an_accepted_add_on_is_an_upsell_with_its_price_and_product() -> None:
    found = analyse(
        "a",
        _call(
            "Agent: Your balance is $12.50 and shipping was 9 dollars.",
            "Customer: OK, I'll purchase the router.",
            "Agent: I could also include a surge protector for USD 35.",
            "Customer: Sure thing.",
        ),
    )
    assert found.conversion_kind is ConversionKind.PURCHASE
    assert found.upsell_amount == Decimal("35.00")
    assert found.upsell_product == "surge protector"


@pytest.mark.parametrize("answer", ["No, thank you.", "I'll pass.", "Not right now."])
def test_a_declined_add_on_is_no_upsell(answer: str) -> None:
    found = analyse(
        "a",
        _call(
            "Agent: Want me to add the premium warranty for $1,299.00?",
            f"Customer: {answer}",
        ),
    )
    assert found.upsell_amount is None
    assert found.conversion_kind is None


def test_an_accepted_add_on_alone_is_a_conversion() -> None:
    found = analyse("a", _call("Agent: Shall I add cloud backup at $5?", "Customer: Yes."))
    assert found.conversion_kind is ConversionKind.UPSELL
    assert found.upsell_amount == Decimal("5.00")


@pytest.mark.parametrize(
    ("customer", "sentiment"),
    [
        ("That was not helpful and I'm quite disappointed.", Sentiment.NEGATIVE),
        ("It wasn't helpful.", Sentiment.NEGATIVE),
        ("I'm not happy.", Sentiment.NEGATIVE),
        ("Never had a complaint, you were wonderful.", Sentiment.POSITIVE),
        ("I could not be happier.", Sentiment.POSITIVE),
        ("No thanks. Bye.", Sentiment.NEUTRAL),
        ("Perfect, let's book it. Bye.", Sentiment.NEUTRAL),
        ("I called yesterday. The part arrives Monday.", Sentiment.NEUTRAL),
    ],
)
def test_sentiment_is_the_customers_with_negation(customer: str, sentiment: Sentiment) -> None:
    found = analyse("a", _call("Agent: Glad to help, happy to assist!", f"Customer: {customer}"))
    assert found.sentiment is sentiment


def test_the_end_of_the_call_weighs_more() -> None:
    text = _call("Customer: I'm frustrated.", "Agent: Fixed.", "Customer: Great, thanks!")
    assert analyse("a", text).sentiment is Sentiment.POSITIVE


def test_a_transcript_without_speakers_is_read_as_the_customers() -> None:
    found = analyse("a", "please sign me up. this was really helpful")
    assert found.conversion_kind is ConversionKind.SIGNUP
    assert found.sentiment is Sentiment.POSITIVE


def _support_call(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "schema_version": 1,
        "event_id": "7b0c3c43-8c2e-4e47-9d2b-1b2a4f6c9d10",
        "occurred_at": "2026-01-05T11:00:00Z",
        "user_id": "u1",
        "session_id": "s1",
        "device": "mobile",
        "location": {"country": "US", "city": "Springfield"},
        "event_type": "support_call",
        "call_id": "call-1",
        "agent_id": "agent-001",
        "agent_name": "ANN LEE",
        "duration_seconds": 300,
        "transcript": "Customer: Sign me up, thanks so much!",  # a bare thanks is courtesy
    }
    event.update(overrides)
    return {k: v for k, v in event.items() if v is not None}


def test_staging_rows_come_from_fact_rows_for_support_calls_only() -> None:
    event = decode_event(json.dumps(_support_call()).encode(), window=WINDOW, max_bytes=10_000)
    assert isinstance(event, SupportCall)
    rows = call_rows_from_facts([fact_row(event, "t", 2, 40)])
    assert len(rows) == 1
    row = dict(zip(CALL_COLUMNS, rows[0], strict=True))
    assert row["event_id"] == event.event_id
    assert (row["source_partition"], row["source_offset"]) == (2, 40)
    assert row["agent_name"] == "Ann Lee"
    assert row["conversion_kind"] == "signup"
    assert row["sentiment"] == "positive"
    assert row["rules_version"] == RULES_VERSION


@pytest.mark.parametrize(
    ("overrides", "reason", "field"),
    [
        ({"transcript": None}, RejectReason.MISSING_FIELD, "transcript"),
        ({"transcript": ""}, RejectReason.INVALID_VALUE, "transcript"),
        ({"duration_seconds": 0}, RejectReason.INVALID_VALUE, "duration_seconds"),
        ({"duration_seconds": -30}, RejectReason.INVALID_VALUE, "duration_seconds"),
        ({"duration_seconds": 86_401}, RejectReason.INVALID_VALUE, "duration_seconds"),
        ({"duration_seconds": 10**12}, RejectReason.INVALID_VALUE, "duration_seconds"),
        ({"duration_seconds": "300"}, RejectReason.WRONG_TYPE, "duration_seconds"),
        ({"duration_seconds": 12.5}, RejectReason.WRONG_TYPE, "duration_seconds"),
        ({"agent_name": ""}, RejectReason.INVALID_VALUE, "agent_name"),
    ],
)
def test_malformed_calls_are_rejected_with_a_reason(
    overrides: dict[str, Any], reason: RejectReason, field: str
) -> None:
    raw = json.dumps(_support_call(**overrides)).encode()
    outcome = decode_event(raw, window=WINDOW, max_bytes=100_000)
    assert isinstance(outcome, Rejection)
    assert (outcome.reason, outcome.field_path) == (reason, field)
