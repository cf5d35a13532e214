"""The three detectors over a call's speaker turns: conversion (a customer commitment that
is not negated, hedged or merely asked about), upsell (an agent's add-on offer with a
price that the customer's next turn accepts) and the customer's sentiment."""

from __future__ import annotations

from consumer.calls import patterns
from consumer.calls.text import Speaker, Turn, clauses, confirmation, sentences, words
from consumer.calls.upsell import Upsell, upsell

__all__ = ["Upsell", "conversion_kind", "customer_turns", "sentiment_score", "upsell"]

_REQUESTS = ("can you", "could you", "would you", "will you")


def customer_turns(all_turns: list[Turn]) -> list[Turn]:
    """The customer's turns; all turns when no speaker is known (an unlabelled text)."""
    labelled = [t for t in all_turns if t.speaker is Speaker.CUSTOMER]
    if labelled or any(t.speaker is Speaker.AGENT for t in all_turns):
        return labelled
    return all_turns


def conversion_kind(all_turns: list[Turn]) -> str | None:
    """The kind of the first commitment ("booking", "purchase", "signup"), or None: the
    customer's own words, or the agent confirming the sale the customer asked for."""
    customers = {id(turn) for turn in customer_turns(all_turns)}  # identity: O(1) per turn
    for turn in all_turns:
        kind = None
        if id(turn) in customers:
            kind = _customer_commitment(turn.text)
        if kind is None and turn.speaker is not Speaker.CUSTOMER:  # agent, or unknown
            kind = _agent_confirmation(turn.text)
        if kind is not None:
            return kind
    return None


def _customer_commitment(text: str) -> str | None:
    for sentence in sentences(text):
        is_question = sentence.endswith("?")
        for clause in clauses(sentence):
            if is_question and not clause.startswith(_REQUESTS):
                continue
            kind = _commitment(clause)
            if kind is not None:
                return kind
    return None


def _agent_confirmation(text: str) -> str | None:
    for sentence in sentences(text):
        for clause in clauses(sentence):
            for kind, pattern in patterns.AGENT_CONFIRMS.items():
                if confirmation(pattern, clause) is not None:
                    return kind
    return None


def _commitment(clause: str) -> str | None:
    if patterns.HEDGES.search(clause):
        return None
    for kind, pattern in patterns.COMMITMENTS.items():
        match = pattern.search(clause)
        if match is None:
            continue
        before = words(clause[: match.start("verb")])[-patterns.COMMIT_WINDOW_WORDS :]
        if not patterns.NEGATIONS.intersection(before):
            return kind
    return None


def sentiment_score(all_turns: list[Turn]) -> int:
    """Positive minus negative words of the customer (a negation just before a word flips
    it: "not happy" counts negative, "no complaints" positive); the last turn that carries
    any sentiment weighs FINAL_TURN_WEIGHT times."""
    scores = [_turn_score(t.text) for t in customer_turns(all_turns)]
    carrying = [i for i, s in enumerate(scores) if s]
    if carrying:
        scores[carrying[-1]] *= patterns.FINAL_TURN_WEIGHT
    return sum(scores)


def _turn_score(text: str) -> int:
    text = patterns.SENTIMENT_IDIOMS.sub(" ", text)
    score = 0
    for phrases, polarity in (
        (patterns.PRAISING_NEGATIONS, 1),
        (patterns.PRAISING_PHRASES, 1),
        (patterns.DAMNING_PHRASES, -1),
    ):
        score += polarity * len(phrases.findall(text))
        text = phrases.sub(" ", text)
    for sentence in sentences(text):
        parts = clauses(sentence)
        for index, clause in enumerate(parts):
            tokens = words(clause)
            is_opening = index < len(parts) - 1 and len(tokens) == 1
            thanked = is_opening and parts[index + 1].startswith(("thank", "cheers"))
            if is_opening and tokens[0] in patterns.ACKNOWLEDGEMENTS and not thanked:
                continue
            score += _clause_score(tokens)
    return score


def _clause_score(tokens: list[str]) -> int:
    score = 0
    for i, token in enumerate(tokens):
        polarity = (token in patterns.POSITIVE_WORDS) - (token in patterns.NEGATIVE_WORDS)
        if not polarity:
            continue
        window = tokens[max(0, i - patterns.SENTIMENT_WINDOW_WORDS) : i]
        score += -polarity if patterns.NEGATIONS.intersection(window) else polarity
    return score
