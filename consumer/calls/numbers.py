"""Amounts spoken in words, as people say prices and speech-to-text writes them:
"twenty-five dollars", "one hundred and twenty dollars", "forty-nine ninety-nine",
"nine ninety-nine". A run of number words followed by a currency word is a marked amount;
a run of exactly two numbers, the second between 10 and 99 ("<dollars> <cents>"), is
an unmarked one (it can also be a time, "eight thirty", so callers prefer marked ones)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
_CURRENCY_WORDS = frozenset({"dollar", "dollars", "bucks", "euro", "euros", "pound", "pounds"})
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TEENS) | frozenset(_TENS) | frozenset(_SCALES)
_TOKEN = re.compile(r"[a-z]+")
_LIMIT = 10**10  # the column's whole part: larger spoken numbers are no amount


@dataclass(frozen=True, slots=True)
class Spoken:
    value: Decimal
    start: int
    end: int
    marked: bool


def spoken_amounts(text: str) -> Iterator[Spoken]:
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        if tokens[i][0] not in _NUMBER_WORDS:
            i += 1
            continue
        end = _run_end(tokens, i)
        words = [word for word, _ in tokens[i:end] if word != "and"]
        following = tokens[end][0] if end < len(tokens) else ""
        marked = following in _CURRENCY_WORDS
        amount = _amount(_groups(words), marked=marked)
        if amount is not None:
            last = end if marked else end - 1  # the currency word is part of the amount
            yield Spoken(amount, tokens[i][1], tokens[last][1] + len(tokens[last][0]), marked)
        i = end


def _run_end(tokens: list[tuple[str, int]], start: int) -> int:
    """The end of the run of number words from `start` ("and" only inside: "one hundred
    and twenty")."""
    end = start
    while end < len(tokens):
        word = tokens[end][0]
        is_joint = (
            word == "and"
            and end + 1 < len(tokens)
            and tokens[end - 1][0] in _SCALES
            and tokens[end + 1][0] in _NUMBER_WORDS
        )
        if word not in _NUMBER_WORDS and not is_joint:
            break
        end += 1
    return end


def _groups(words: list[str]) -> list[int]:
    """The numbers a run of number words says, split where a word cannot continue the
    number before it: "forty nine ninety nine" is [49, 99]."""
    groups: list[int] = []
    total = current = 0
    last = ""  # the kind of the last word: unit, teen, tens, scale
    for word in words:
        kind = _kind(word)
        starts_new = (
            (kind in ("unit", "teen") and last in ("unit", "teen"))
            or (kind in ("tens", "teen") and last == "tens")
            or (kind == "tens" and last in ("unit", "teen"))
            or (kind == "scale" and last == "scale" and word == "hundred")
        )
        if starts_new and last:
            groups.append(total + current)
            total = current = 0
        if kind == "scale":
            scale = _SCALES[word]
            if scale == 1000:
                total, current = (total + current) * 1000, 0
            else:
                current *= scale
        else:
            current += _UNITS.get(word) or _TEENS.get(word) or _TENS.get(word, 0)
        last = kind
    if last:
        groups.append(total + current)
    return groups


def _kind(word: str) -> str:
    if word in _UNITS:
        return "unit"
    if word in _TEENS:
        return "teen"
    if word in _TENS:
        return "tens"
    return "scale"


def _amount(groups: list[int], *, marked: bool) -> Decimal | None:
    if any(g >= _LIMIT for g in groups):
        return None
    if marked and len(groups) == 1:
        return Decimal(groups[0]).quantize(Decimal("0.01"))
    if len(groups) == 2 and 0 < groups[0] < 1000 and 10 <= groups[1] <= 99:
        return (Decimal(groups[0]) + Decimal(groups[1]) / 100).quantize(Decimal("0.01"))
    return None
