"""Text handling for support calls: cleaning (whitespace, case, quotes), agent-name
normalisation, splitting a transcript into speaker turns, sentences and clauses, and
reading amounts of money exactly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from consumer.calls import patterns

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
# Name parts that keep their own casing when a name is recased.
_NAME_PARTS = {
    "ii": "II", "iii": "III", "iv": "IV", "jr": "Jr", "jr.": "Jr.", "sr": "Sr", "sr.": "Sr.",
    "md": "MD", "dds": "DDS", "dvm": "DVM", "phd": "PhD", "cpa": "CPA", "rn": "RN",
    "mr.": "Mr.", "mrs.": "Mrs.", "ms.": "Ms.", "dr.": "Dr.", "de": "de", "van": "van",
    "von": "von", "da": "da", "del": "del", "la": "la",
}  # fmt: skip


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: Speaker
    text: str  # cleaned, without the speaker label


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


def turns(cleaned: str) -> list[Turn]:
    """Speaker turns of a cleaned transcript. A line without a known label continues the
    previous turn; a transcript with no labels at all is one turn of unknown speaker."""
    result: list[Turn] = []
    for line in cleaned.splitlines():
        match = patterns.SPEAKER_LINE.match(line)
        label = match.group(1) if match else ""
        if label in patterns.AGENT_LABELS or label in patterns.CUSTOMER_LABELS:
            assert match is not None
            speaker = Speaker.AGENT if label in patterns.AGENT_LABELS else Speaker.CUSTOMER
            result.append(Turn(speaker, match.group(2)))
        elif result:
            result[-1] = Turn(result[-1].speaker, f"{result[-1].text} {line}")
        else:
            result.append(Turn(Speaker.UNKNOWN, line))
    return result


def sentences(text: str) -> Iterator[str]:
    for match in patterns.SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if sentence:
            yield sentence


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence, without their closing punctuation."""
    parts = patterns.CLAUSE_BREAK.split(sentence.rstrip(".!?"))
    return [part.strip() for part in parts if part and part.strip()]


def words(text: str) -> list[str]:
    return patterns.WORD.findall(text)


# The largest value of `support_calls.upsell_amount numeric(12, 2)`.
MAX_UPSELL_AMOUNT = Decimal("9999999999.99")


def amounts(text: str) -> list[Decimal]:
    """Every amount of money in `text`, in order, exactly (cents kept as written)."""
    found = []
    for match in patterns.AMOUNT.finditer(text):
        groups = match.groups()
        whole, cents = (groups[0], groups[1]) if groups[0] is not None else groups[2:4]
        value = Decimal(whole.replace(",", ""))
        if cents:
            value += Decimal(cents.ljust(2, "0")) / 100
        # An amount that cannot be stored is no upsell amount (a transcript can say
        # anything); quantize() would raise past the context's 28 digits.
        if value <= MAX_UPSELL_AMOUNT:
            found.append(value.quantize(Decimal("0.01")))
    return found
