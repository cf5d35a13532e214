"""Reads the inputs table of docs/scaling.md and writes its derived section: the document is
the one place the per-event figures live, so a later benchmark changes a row there and
`python -m bench.scaling --write` recomputes everything that follows from it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bench.scaling.model import QUANTITIES, RATES, UNITS, evaluate, shown, worked
from pulse.errors import PulseError

INPUTS_BEGIN, INPUTS_END = "<!-- scaling:inputs -->", "<!-- /scaling:inputs -->"
DERIVED_BEGIN, DERIVED_END = "<!-- scaling:derived -->", "<!-- /scaling:derived -->"
WORKED_RATE = 100_000
_ROW = re.compile(r"^\| `(?P<symbol>\w+)` \| (?P<value>[^|]+?) \| (?P<unit>[^|]*?) \|(?P<rest>.*)$")


class ScalingDocError(PulseError, ValueError):
    """The document's inputs table cannot be read."""


@dataclass(frozen=True, slots=True)
class Inputs:
    values: dict[str, float]  # symbol -> seconds, bytes or plain numbers
    written: dict[str, str]  # symbol -> value and unit as the document writes them


def _section(text: str, begin: str, end: str) -> tuple[int, int]:
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ScalingDocError(f"the document has no {begin} ... {end} section: restore the markers")
    return start + len(begin), stop


def read_inputs(text: str) -> Inputs:
    start, stop = _section(text, INPUTS_BEGIN, INPUTS_END)
    values: dict[str, float] = {}
    written: dict[str, str] = {}
    for line in text[start:stop].splitlines():
        match = _ROW.match(line.strip())
        if match is None:
            continue
        symbol, unit = match["symbol"], match["unit"].strip()
        if symbol not in UNITS:
            raise ScalingDocError(
                f"unknown symbol {symbol} in the inputs table: known are {', '.join(UNITS)}"
            )
        if unit != UNITS[symbol][0]:
            raise ScalingDocError(
                f"{symbol} must be given in {UNITS[symbol][0] or 'plain numbers'}, not {unit!r}"
            )
        try:
            number = float(match["value"].replace(",", ""))
        except ValueError:
            raise ScalingDocError(f"{symbol}: {match['value']!r} is not a number") from None
        values[symbol] = number * UNITS[symbol][1]
        written[symbol] = f"{match['value'].strip()} {unit}".strip()
    missing = [symbol for symbol in UNITS if symbol not in values]
    if missing:
        raise ScalingDocError(f"the inputs table lacks {', '.join(missing)}: add a row for each")
    return Inputs(values, written)


def derived_markdown(inputs: Inputs) -> str:
    """The table at every rate, then the arithmetic written out at WORKED_RATE."""
    at = {rate: evaluate(inputs.values, rate) for rate in RATES}
    header = " | ".join(f"{rate:,}/s" for rate in RATES)
    lines = [
        f"| symbol | quantity | formula | {header} | unit |",
        "| --- | --- | --- |" + " ---: |" * len(RATES) + " --- |",
    ]
    for q in QUANTITIES:
        cells = " | ".join(shown(q, at[rate][q.symbol]) for rate in RATES)
        lines.append(f"| `{q.symbol}` | {q.what} | {q.formula} | {cells} | {q.unit} |")
    lines += ["", f"The same arithmetic with the numbers put in, at {WORKED_RATE:,} events/s:", ""]
    lines += [
        "```text",
        *(worked(q, inputs.written, evaluate(inputs.values, WORKED_RATE)) for q in QUANTITIES),
        "```",
    ]
    return "\n".join(lines)


def with_derived(text: str) -> str:
    """The document with its derived section recomputed from its inputs table."""
    start, stop = _section(text, DERIVED_BEGIN, DERIVED_END)
    return text[:start] + "\n" + derived_markdown(read_inputs(text)) + "\n" + text[stop:]


def with_inputs(text: str, replaced: Mapping[str, tuple[float, str]]) -> str:
    """The document with the value and source of some inputs replaced: symbol -> (value in
    the document's unit, source)."""
    start, stop = _section(text, INPUTS_BEGIN, INPUTS_END)
    lines = text[start:stop].split("\n")
    for i, line in enumerate(lines):
        match = _ROW.match(line.strip())
        if match is None or match["symbol"] not in replaced:
            continue
        value, source = replaced[match["symbol"]]
        what = match["rest"].split("|")[0].strip()
        number = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
        lines[i] = (
            f"| `{match['symbol']}` | {number} | {match['unit'].strip()} | {what} | {source} |"
        )
    return text[:start] + "\n".join(lines) + text[stop:]
