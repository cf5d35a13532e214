"""Text handling for support calls: cleaning (whitespace, case, quotes), agent-name
normalisation, sentences, clauses and words. Speaker turns are `speakers`' and amounts of
money `money`'s; both are re-exported here for the modules that used them from here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from consumer.calls import money, patterns
from consumer.calls.speakers import Speaker, Turn, turns

__all__ = ["Speaker", "Turn", "amounts", "clauses", "clean_transcript", "sentences", "turns"]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
# Name parts that keep their own casing when a name is recased.
_NAME_PARTS = {
    "ii": "II", "iii": "III", "iv": "IV", "jr": "Jr", "jr.": "Jr.", "sr": "Sr", "sr.": "Sr.",
    "md": "MD", "dds": "DDS", "dvm": "DVM", "phd": "PhD", "cpa": "CPA", "rn": "RN",
    "mr.": "Mr.", "mrs.": "Mrs.", "ms.": "Ms.", "dr.": "Dr.", "de": "de", "van": "van",
    "von": "von", "da": "da", "del": "del", "la": "la",
}  # fmt: skip


def clean_line(line: str) -> str:
    """One line in lower case, single-spaced, with straight quotes."""
    return " ".join(line.translate(_QUOTES).lower().split())


def clean_transcript(transcript: str) -> str:
    """Every non-blank line cleaned, one per line."""
    return "\n".join(c for c in map(clean_line, transcript.splitlines()) if c)


def normalise_agent_name(name: str) -> str:
    """Single spaces; a name typed all in one case is recased ("ann o'neil" -> "Ann
    O'Neil"), a mixed-case one is kept as typed ("Ann McKay" stays)."""
    words = name.translate(_QUOTES).split()
    joined = " ".join(words)
    if joined != joined.lower() and joined != joined.upper():
        return joined
    return " ".join(_recase(word) for word in words)


def _recase(word: str) -> str:
    lower = word.lower()
    if lower in _NAME_PARTS:
        return _NAME_PARTS[lower]
    for separator in ("-", "'"):
        if separator in lower:
            return separator.join(_recase(part) for part in lower.split(separator))
    return lower[:1].upper() + lower[1:]


def sentences(text: str) -> Iterator[str]:
    for match in patterns.SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if sentence:
            yield sentence


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence, without their closing punctuation."""
    parts = patterns.CLAUSE_BREAK.split(sentence.rstrip(".!?"))
    return [part.strip() for part in parts if part and part.strip()]


def confirmation(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of a sale-confirmation `pattern` that is not a past event told
    ("the jacket i ordered arrived late") nor negated ("it wasn't booked")."""
    for match in pattern.finditer(text):
        before = words(text[: match.start()])[-patterns.COMMIT_WINDOW_WORDS :]
        if before and before[-1] in patterns.NARRATORS:
            continue
        if not patterns.NEGATIONS.intersection(before):
            return match
    return None


def words(text: str) -> list[str]:
    return patterns.WORD.findall(text)


def amounts(text: str) -> list[Decimal]:
    """Every amount of money in `text`, in order, exactly (cents kept as written)."""
    return money.values(text)
