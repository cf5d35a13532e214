"""Transcript formats the enrichment reads (speaker turns from every export layout), the
spellings of money it reads, and how offers and answers are told apart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consumer.calls.enrich import ConversionKind, Sentiment, analyse
from consumer.calls.money import values
from consumer.calls.speakers import Speaker, turns
from consumer.calls.text import clean_transcript

A, C, U = Speaker.AGENT, Speaker.CUSTOMER, Speaker.UNKNOWN


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Agent: Hi.\nCustomer: Hello.", [(A, "hi."), (C, "hello.")]),
        ("Agent: Hi. Customer: Hello. Agent: Bye.", [(A, "hi."), (C, "hello."), (A, "bye.")]),
        ("AGENT: Hi.\ncustomer - hello", [(A, "hi."), (C, "hello")]),
        ("A: Hi.\nC: Hello.", [(A, "hi."), (C, "hello.")]),
        ("A: Hi. C: Hello.", [(A, "hi."), (C, "hello.")]),
        ("Rep: Hi.\nCaller: Hello.", [(A, "hi."), (C, "hello.")]),
        ("Agt: Hi.\nCust: Hello.", [(A, "hi."), (C, "hello.")]),
        ("[00:01:12] Agent: Hi.\n[00:01:15] Customer: Hello.", [(A, "hi."), (C, "hello.")]),
        ("00:00:03 Agent: At 8:30 then.\n(0:45) Customer: ok", [(A, "at 8:30 then."), (C, "ok")]),
        ("Agent: Hi.\nand welcome.\nCustomer: Hello.", [(A, "hi. and welcome."), (C, "hello.")]),
        ("Just a note. No labels here.", [(U, "just a note. no labels here.")]),
    ],
)
def test_speaker_turns_in_every_export_layout(
    raw: str, expected: list[tuple[Speaker, str]]
) -> None:
    assert [(t.speaker, t.text) for t in turns(clean_transcript(raw))] == expected


def test_a_word_that_looks_like_a_short_label_inside_a_line_is_text() -> None:
    found = turns(clean_transcript("Agent: Plan a: the basic one. Customer: OK."))
    assert [t.speaker for t in found] == [A, C]
    assert found[0].text == "plan a: the basic one."


def test_unpunctuated_speech_to_text_is_cut_where_turns_open() -> None:
    text = "would you like the warranty for 49 dollars yes please add it thanks bye"
    assert [t.text for t in turns(text)] == [
        "would you like the warranty for 49 dollars",
        "yes please add it",
        "thanks bye",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€4 a month and £12.50 and ca$25", ["4.00", "12.50", "25.00"]),
        ("twenty-five dollars", ["25.00"]),
        ("one hundred and twenty dollars", ["120.00"]),
        ("one thousand and ninety nine dollars", ["1099.00"]),
        ("forty-nine ninety-nine", ["49.99"]),
        ("nine ninety-nine a month", ["9.99"]),
        ("for 29.99 a month", ["29.99"]),
        ("four sessions, 128gb, 4k, the 3rd, 10am, room 12", []),
        ("$1e400 and usd 1e400 and 1e400 dollars", []),
    ],
)
def test_money_in_other_currencies_in_words_and_bare_cents(text: str, expected: list[str]) -> None:
    assert values(text) == [Decimal(v) for v in expected]


def _offer(answer: str) -> Decimal | None:
    call = (
        "Customer: I'll order the laptop.\n"
        "Agent: Ordered. Would you like a case for $19?\n"
        f"Customer: {answer}"
    )
    return analyse("a", call).upsell_amount


@pytest.mark.parametrize(
    "answer",
    ["Yeah, go on.", "Sure thing.", "Ok.", "Oh go on then.", "Might as well.", "Case please.",
     "Alright, the case too.", "Honestly, good idea, yes, add it."],
)  # fmt: skip
def test_answers_that_accept_an_offer(answer: str) -> None:
    assert _offer(answer) == Decimal("19.00")


@pytest.mark.parametrize(
    "answer",
    ["I'm good, thanks.", "Maybe next time.", "Nah, not needed.", "We'll leave it.",
     "I'll give it a miss.", "Okay, I'll think about it.", "No, that's fine, just the laptop."],
)  # fmt: skip
def test_answers_that_decline_or_do_not_answer(answer: str) -> None:
    assert _offer(answer) is None


def test_a_price_stated_after_the_sale_is_confirmed_is_an_add_on() -> None:
    call = "Customer: I want the drill.\nAgent: $139, ordered. A spare battery is $22.50.\nC: Sure."
    assert analyse("a", call).upsell_amount == Decimal("22.50")


def test_a_price_in_the_sale_confirmation_itself_is_not_an_add_on() -> None:
    call = "Customer: Book my car in.\nAgent: Wednesday at 9, booked, brakes start at $180.\nC: ok"
    found = analyse("a", call)
    assert found.upsell_amount is None
    assert found.conversion_kind is ConversionKind.BOOKING


def test_the_agent_confirming_a_requested_sale_is_a_conversion() -> None:
    call = "Customer: Can I book a groom for Friday?\nAgent: Friday at 2, you're booked.\nC: Ok."
    assert analyse("a", call).conversion_kind is ConversionKind.BOOKING


@pytest.mark.parametrize(
    ("customer", "sentiment"),
    [
        ("Okay, thanks.", Sentiment.NEUTRAL),
        ("Thanks so much!", Sentiment.POSITIVE),
        ("Brilliant, thanks Mike.", Sentiment.POSITIVE),
        ("Not bad, that was quick.", Sentiment.POSITIVE),
        ("It's a rip-off.", Sentiment.NEGATIVE),
        ("That's not fair at all.", Sentiment.NEGATIVE),
        ("I'm good, thanks.", Sentiment.NEUTRAL),
    ],
)
def test_courtesy_is_neutral_and_praise_or_complaint_is_not(
    customer: str, sentiment: Sentiment
) -> None:
    assert analyse("a", f"Agent: Happy to help!\nCustomer: {customer}").sentiment is sentiment
