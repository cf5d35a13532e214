"""How a call's speaker turns are laid out in the transcript, in the shapes call centres
export them: one turn per line, every turn inline on one line, labels in other cases or
with a dash, short labels, timestamps before labels, and raw speech-to-text without labels
or punctuation. The consumer has to read all of them (consumer/calls/speakers.py)."""

from __future__ import annotations

import random
import re

# (format, share of calls): most exports are one turn per line.
FORMAT_SHARES = (
    ("lines", 0.40),
    ("inline", 0.15),
    ("case", 0.10),
    ("short", 0.10),
    ("timestamped", 0.15),
    ("stt", 0.10),
)
FORMATS = tuple(name for name, _ in FORMAT_SHARES)
_CASE_LABELS = (("AGENT:", "CUSTOMER:"), ("agent -", "customer -"), ("Agent -", "Customer -"))
_SHORT_LABELS = (("A:", "C:"), ("Rep:", "Caller:"), ("Agt:", "Cust:"))
# Speech-to-text writes no punctuation, but keeps a price's point and comma ("$1,299.00").
_STT_PUNCTUATION = re.compile(r"[.,!?;:](?!\d)|(?<!\d)[.,]")

Turn = tuple[bool, str]  # (is the agent speaking, what is said)


def choose_format(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in FORMAT_SHARES:
        if roll < share:
            return name
        roll -= share
    return FORMAT_SHARES[0][0]


def render(rng: random.Random, turns: list[Turn], transcript_format: str) -> str:
    if transcript_format == "lines":
        return "\n".join(f"{_label(is_agent, 'Agent:', 'Customer:')} {t}" for is_agent, t in turns)
    if transcript_format == "inline":
        return " ".join(f"{_label(is_agent, 'Agent:', 'Customer:')} {t}" for is_agent, t in turns)
    if transcript_format in ("case", "short"):
        pairs = _CASE_LABELS if transcript_format == "case" else _SHORT_LABELS
        agent, customer = rng.choice(pairs)
        return "\n".join(f"{_label(is_agent, agent, customer)} {t}" for is_agent, t in turns)
    if transcript_format == "timestamped":
        return _timestamped(rng, turns)
    if transcript_format == "stt":
        said = " ".join(text for _, text in turns)
        return " ".join(_STT_PUNCTUATION.sub(" ", said.lower()).split())
    raise ValueError(f"Unknown transcript format {transcript_format!r}; use one of {FORMATS}.")


def _label(is_agent: bool, agent: str, customer: str) -> str:
    return agent if is_agent else customer


def _timestamped(rng: random.Random, turns: list[Turn]) -> str:
    style = rng.randrange(3)
    seconds = rng.randrange(0, 5)
    lines = []
    for is_agent, text in turns:
        minutes, second = divmod(seconds, 60)
        stamp = (
            f"[00:{minutes:02d}:{second:02d}]",
            f"00:{minutes:02d}:{second:02d}",
            f"({minutes}:{second:02d})",
        )[style]
        lines.append(f"{stamp} {_label(is_agent, 'Agent:', 'Customer:')} {text}")
        seconds += 3 + len(text) // 15 + rng.randrange(4)
    return "\n".join(lines)
