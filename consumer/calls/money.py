"""Amounts of money in cleaned transcript text, read exactly: digits with a currency
symbol, code or word ("$1,299.00", "€4", "CA$25", "usd 20", "49 dollars", "9.99"), and
numbers spoken in words ("twenty-five dollars", "forty-nine ninety-nine").

Every amount found fits `support_calls.upsell_amount numeric(12,2)`: a number too large
for it is no amount at all (see MAX_UPSELL_AMOUNT), so a typo or a hostile transcript can
never make the batch's insert fail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from consumer.calls import numbers

# The largest value of the column support_calls.upsell_amount, numeric(12,2)
# (sql/migrations/040_support_calls.sql): ten digits before the point, two after.
MAX_UPSELL_AMOUNT = Decimal("9999999999.99")
_CENT = Decimal("0.01")

# Digits as people write prices: thousands separators, up to two decimals. Bounded to 13
# digits before the point (more can never fit the column) and never the tail or head of a
# longer number ("1e400", "12345678901234567890"), and never negative ("-$5" is no price).
_NUMBER = r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d{1,13})(?:\.(\d{1,2}))?(?![\w%]|[.,]\d)"
_SYMBOL = r"(?:us\$|ca\$|c\$|a\$|au\$|nz\$|\$|€|£|¥|₹)"
_CODE = r"(?:usd|eur|gbp|cad|aud|nzd|chf|inr|jpy)"
_WORD = r"(?:dollars?|bucks|euros?|pounds?|quid)"
# A currency before the number ("$ 49", "usd 20") or after it ("20 usd", "49 dollars").
_MARKED = re.compile(
    rf"(?<![\w-])(?:{_SYMBOL}\s?|{_CODE}\s?){_NUMBER}"
    rf"|{_NUMBER}\s?(?:{_SYMBOL}|{_CODE}\b|{_WORD}\b)"
)
# A bare price with cents ("for 29.99"): how speech-to-text writes a price it recognised.
_BARE_CENTS = re.compile(r"(?<![\w.,$€£])(\d{1,13})\.(\d{2})(?![\w%]|[.,]\d)")


@dataclass(frozen=True, slots=True)
class Amount:
    value: Decimal
    start: int  # position in the text searched
    end: int
    marked: bool  # a currency was named; an unmarked amount is weaker evidence


def amounts(text: str) -> list[Amount]:
    """Every amount in `text` that fits the column, in order of position."""
    found: dict[int, Amount] = {}
    marked_spans: list[tuple[int, int]] = []
    for match in _MARKED.finditer(text):
        groups = match.groups()
        whole, cents = (groups[0], groups[1]) if groups[0] is not None else groups[2:4]
        _keep(found, _value(whole, cents), match.span(), marked=True)
        marked_spans.append(match.span())
    for match in _BARE_CENTS.finditer(text):
        if not any(start <= match.start() < end for start, end in marked_spans):
            _keep(found, _value(match.group(1), match.group(2)), match.span(), marked=False)
    for spoken in numbers.spoken_amounts(text):
        _keep(found, spoken.value, (spoken.start, spoken.end), marked=spoken.marked)
    return [found[start] for start in sorted(found)]


def _keep(
    found: dict[int, Amount], value: Decimal | None, span: tuple[int, int], *, marked: bool
) -> None:
    start, end = span
    if value is not None and 0 <= value <= MAX_UPSELL_AMOUNT and start not in found:
        found[start] = Amount(value, start, end, marked)


def _value(whole: str | None, cents: str | None) -> Decimal | None:
    if whole is None:
        return None
    try:
        value = Decimal(whole.replace(",", ""))
        if cents:
            value += Decimal(cents.ljust(2, "0")) / 100
        return value.quantize(_CENT)
    except InvalidOperation:  # cannot happen with the patterns above; never raise anyway
        return None


def values(text: str) -> list[Decimal]:
    """The values of `amounts(text)`."""
    return [a.value for a in amounts(text)]
