"""Measures field libraries against the rules on the hand-written corpus, per transcript
format: vaderSentiment (its lexicon ships in the package) for the customer's sentiment,
and price-parser for upsell amounts (in the rules' own offer/answer reading, so only the
amount reader differs). Issue 15 keeps whichever scores better; the rules did, so the
libraries are development dependencies only, not consumer dependencies.

    python -m bench.calls_alternatives
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from bench import calls_quality as quality
from consumer.calls import corpus, money, upsell
from consumer.calls.detect import customer_turns
from consumer.calls.text import clean_transcript, turns

# VADER's own cut-offs for its compound score (its README), and two stricter ones.
VADER_THRESHOLDS = (0.05, 0.3, 0.5)


def vader_accuracy(directory: Path, threshold: float) -> dict[str, float]:
    """Share of calls whose sentiment VADER gets right from the customer's words."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: PLC0415

    analyser = SentimentIntensityAnalyzer()
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for call in corpus.load(directory):
        said = customer_turns(turns(clean_transcript(call.transcript)))
        score = analyser.polarity_scores(" ".join(t.text for t in said))["compound"]
        found = (
            "positive" if score >= threshold else "negative" if score <= -threshold else "neutral"
        )
        for key in (call.transcript_format, quality.ALL):
            right[key] += found == call.sentiment
            seen[key] += 1
    return {key: right[key] / seen[key] for key in seen}


def rules_accuracy(directory: Path) -> dict[str, float]:
    return {k: r.sentiment_accuracy for k, r in quality.measure_corpus(directory).items()}


def _price_parser_price(
    sentence: str, cue_start: int, cue_end: int, *, before: bool = True
) -> money.Amount | None:
    """upsell._price with price-parser reading the amount after the cue, else before."""
    from price_parser import Price  # noqa: PLC0415

    spans = [(sentence[cue_end:], cue_end)] + ([(sentence[:cue_start], 0)] if before else [])
    for text, offset in spans:
        price = Price.fromstring(text)
        if price.amount is None or not 0 <= price.amount <= money.MAX_UPSELL_AMOUNT:
            continue
        start = offset + max(text.find(price.amount_text or ""), 0)
        end = start + len(price.amount_text or "")
        value = price.amount.quantize(Decimal("0.01"))
        return money.Amount(value, start, end, marked=price.currency is not None)
    return None


def amount_shares(directory: Path, *, library: bool) -> dict[str, float]:
    """Share of accepted upsells whose amount is found exactly, rules' reader or not."""
    original = upsell._price
    try:
        if library:
            upsell._price = _price_parser_price  # the one seam that differs
        return {k: r.amount_exact_share for k, r in quality.measure_corpus(directory).items()}
    finally:
        upsell._price = original


def main() -> int:
    keys = [*corpus.FORMATS, quality.ALL]
    for title, directory in (
        ("tuning corpus", corpus.CORPUS_DIR),
        ("held-out calls", corpus.CORPUS_DIR / quality.HOLDOUT),
    ):
        print(f"{title:<34}" + "".join(f"{k:>12}" for k in keys))
        rows = [("sentiment: rules", rules_accuracy(directory))]
        rows += [
            (f"sentiment: vader >= {t}", vader_accuracy(directory, t)) for t in VADER_THRESHOLDS
        ]
        rows.append(("amounts exact: money.py", amount_shares(directory, library=False)))
        rows.append(("amounts exact: price-parser", amount_shares(directory, library=True)))
        for name, figures in rows:
            print(f"{name:<34}" + "".join(f"{figures.get(k, 0.0):>12.3f}" for k in keys))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
