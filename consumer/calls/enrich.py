"""Enrichment of one support call: the agent's name normalised, the transcript cleaned,
and what was detected in it (conversion, upsell amount and product, customer sentiment),
stamped with the version of the rules that produced it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from consumer.calls import detect
from consumer.calls.text import clean_transcript, normalise_agent_name, turns
from pulse.contract import SupportCall

# Stored with every enriched call; bump it whenever a change to the rules (patterns.py,
# detect.py, text.py) can change a result, so rows enriched by other rules can be told apart.
RULES_VERSION = 4
# The detectors read at most this much of a cleaned transcript, which bounds their time
# (linear in it: ~0.3 s at worst on one core). It is the contract's Transcript max_length,
# so a validated call is always read whole; only a caller bypassing the contract is cut.
MAX_ANALYSED_CHARS = 20_000


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class ConversionKind(StrEnum):
    BOOKING = "booking"
    PURCHASE = "purchase"
    SIGNUP = "signup"
    UPSELL = "upsell"  # only an add-on was accepted


@dataclass(frozen=True, slots=True)
class CallAnalysis:
    """What the rules find in one call."""

    agent_name: str
    transcript_clean: str
    conversion_kind: ConversionKind | None
    upsell_amount: Decimal | None
    upsell_product: str | None
    sentiment: Sentiment
    sentiment_score: int
    rules_version: int = RULES_VERSION

    @property
    def is_converted(self) -> bool:
        return self.conversion_kind is not None


def analyse(agent_name: str, transcript: str) -> CallAnalysis:
    cleaned = clean_transcript(transcript)
    call_turns = turns(cleaned[:MAX_ANALYSED_CHARS])
    kind = detect.conversion_kind(call_turns)
    upsell = detect.upsell(call_turns)
    score = detect.sentiment_score(call_turns)
    conversion = ConversionKind(kind) if kind is not None else None
    if conversion is None and upsell is not None:
        conversion = ConversionKind.UPSELL  # buying an add-on is buying
    return CallAnalysis(
        agent_name=normalise_agent_name(agent_name),
        transcript_clean=cleaned,
        conversion_kind=conversion,
        upsell_amount=None if upsell is None else upsell.amount,
        upsell_product=None if upsell is None else upsell.product,
        sentiment=_sentiment(score),
        sentiment_score=score,
    )


def enrich(call: SupportCall) -> CallAnalysis:
    return analyse(call.agent_name, call.transcript)


def _sentiment(score: int) -> Sentiment:
    if score > 0:
        return Sentiment.POSITIVE
    if score < 0:
        return Sentiment.NEGATIVE
    return Sentiment.NEUTRAL
