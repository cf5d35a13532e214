"""The hand-written evaluation corpus of support calls (`tests/data/calls/`, layout and
labelling guide in its LABELLING.md): transcripts in the formats call centres export,
with what a reviewer found in each. Read by `quality` to measure the rules on text they
were not generated from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# The corpus ships with the repository's tests, not with the package: this path only
# resolves in a checkout, which is where the quality tool runs.
CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "calls"
# One file per format, in the order reports list them.
FORMATS = ("lines", "inline", "case", "short", "timestamped", "stt")
_KINDS = frozenset({"booking", "purchase", "signup", "upsell"})
_SENTIMENTS = frozenset({"positive", "neutral", "negative"})


class CorpusError(ValueError):
    """A corpus file does not follow the layout of LABELLING.md."""


@dataclass(frozen=True, slots=True)
class LabelledCall:
    call_id: str
    transcript_format: str
    transcript: str
    conversion_kind: str | None
    upsell_amount: Decimal | None
    upsell_product: str | None
    sentiment: str
    note: str | None = None


def load(directory: Path = CORPUS_DIR) -> list[LabelledCall]:
    """Every labelled call of the corpus, format by format in FORMATS order."""
    calls: list[LabelledCall] = []
    for name in FORMATS:
        path = directory / f"{name}.txt"
        calls.extend(parse(path.read_text(encoding="utf-8"), name, source=str(path)))
    return calls


def parse(text: str, transcript_format: str, *, source: str = "<corpus>") -> list[LabelledCall]:
    # Lines opening with "# " are comments wherever they are; "### " opens a record.
    kept = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    blocks = ("\n" + kept).split("\n### ")[1:]
    return [_record(block, transcript_format, source) for block in blocks]


def _record(block: str, transcript_format: str, source: str) -> LabelledCall:
    head, separator, transcript = block.partition("\n---\n")
    call_id, *label_lines = head.strip().splitlines()
    if not separator or not transcript.strip():
        raise CorpusError(f"{source}: record {call_id} has no '---' line and transcript.")
    labels = dict(_label(line, call_id, source) for line in label_lines)
    conversion = labels.get("conversion", "")
    sentiment = labels.get("sentiment", "")
    if conversion != "none" and conversion not in _KINDS:
        raise CorpusError(f"{source}: {call_id} has conversion {conversion!r}; see LABELLING.md.")
    if sentiment not in _SENTIMENTS:
        raise CorpusError(f"{source}: {call_id} has sentiment {sentiment!r}; see LABELLING.md.")
    amount, product = _upsell(labels.get("upsell", ""), call_id, source)
    return LabelledCall(
        call_id=call_id.strip(),
        transcript_format=transcript_format,
        transcript=transcript.strip("\n"),
        conversion_kind=None if conversion == "none" else conversion,
        upsell_amount=amount,
        upsell_product=product,
        sentiment=sentiment,
        note=labels.get("note"),
    )


def _label(line: str, call_id: str, source: str) -> tuple[str, str]:
    key, colon, value = line.partition(":")
    if not colon:
        raise CorpusError(f"{source}: {call_id} has a label line without ':': {line!r}.")
    return key.strip(), value.strip()


def _upsell(value: str, call_id: str, source: str) -> tuple[Decimal | None, str | None]:
    if value == "none":
        return None, None
    amount, bar, product = value.partition("|")
    if not bar or not product.strip():
        raise CorpusError(f"{source}: {call_id} needs 'upsell: <amount> | <product>' or 'none'.")
    return Decimal(amount.strip()).quantize(Decimal("0.01")), product.strip()
