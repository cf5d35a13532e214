"""Splitting a cleaned transcript into speaker turns, whatever the export looks like: one
turn per line, every turn inline on one line, labels in any case with a colon or a dash,
short labels ("a:", "rep:", "caller:"), timestamps before labels ("[00:01:12] agent:"),
and speech-to-text output with no labels and no punctuation at all.

A transcript without any label has no speaker attribution: its turns are of UNKNOWN
speaker. When it also lacks punctuation, it is cut into pseudo-sentences before the words
that usually open a spoken turn ("yes", "okay", "thanks", ...), so the detectors still
see answers as answers instead of one sentence the length of the call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from consumer.calls import patterns


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: Speaker
    text: str  # cleaned, without the speaker label


_LABELS = patterns.AGENT_LABELS | patterns.CUSTOMER_LABELS
# Labels found inside a line (inline exports) need a colon and a full word: "a:" or "c:"
# mid-line are only labels when the line itself opens with a short label.
_LONG = patterns.alternation(re.escape(label) for label in _LABELS if len(label) > 1)
_SHORT = patterns.alternation(re.escape(label) for label in _LABELS if len(label) == 1)
_TIMESTAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?\s*)"
_LINE_LABEL = re.compile(
    rf"^{_TIMESTAMP}?(?P<label>{_LONG}|{_SHORT})\s*(?::|[-\u2013\u2014](?=\s))\s*"
)
_INLINE_LONG = re.compile(rf"(?<=[\s.!?,])(?:{_TIMESTAMP})?(?P<label>{_LONG})\s*:\s*")
_INLINE_ANY = re.compile(rf"(?<=[\s.!?,])(?:{_TIMESTAMP})?(?P<label>{_LONG}|{_SHORT})\s*:(?!\d)\s*")
_SENTENCE_END = re.compile(r"[.!?](?!\S)")  # not "9.99"
# Fewer sentence ends than this per word: the text is unpunctuated speech-to-text.
_PUNCTUATED_WORDS_PER_END = 40


def turns(cleaned: str) -> list[Turn]:
    """Speaker turns of a cleaned transcript. A line without a label continues the turn
    before it; a transcript without any label is a sequence of UNKNOWN turns."""
    result: list[Turn] = []
    for line in cleaned.splitlines():
        pieces = _labelled_pieces(line)
        if not pieces:
            if result:
                result[-1] = Turn(result[-1].speaker, f"{result[-1].text} {line}".strip())
            else:
                result.append(Turn(Speaker.UNKNOWN, line))
            continue
        label, lead = pieces[0]
        if label is None and lead and result:  # text before the first label: continues
            result[-1] = Turn(result[-1].speaker, f"{result[-1].text} {lead}")
        elif label is None and lead:
            result.append(Turn(Speaker.UNKNOWN, lead))
        result.extend(Turn(_speaker(label), text) for label, text in pieces if label)
    if result and all(t.speaker is Speaker.UNKNOWN for t in result):
        return unlabelled_turns(" ".join(t.text for t in result))
    return result


def _labelled_pieces(line: str) -> list[tuple[str | None, str]]:
    """(label, text) pieces of one line; a first piece without label is what precedes
    the first label. Empty when the line has no label."""
    opening = _LINE_LABEL.match(line)
    inline = _INLINE_ANY if opening and len(opening.group("label")) == 1 else _INLINE_LONG
    skip = opening.end() if opening else 0
    starts = [(m.start(), m.end(), m.group("label")) for m in inline.finditer(line, skip)]
    if opening:
        starts.insert(0, (0, opening.end(), opening.group("label")))
    if not starts:
        return []
    pieces: list[tuple[str | None, str]] = []
    if starts[0][0] > 0:
        pieces.append((None, line[: starts[0][0]].strip()))
    for index, (_, text_start, label) in enumerate(starts):
        text_end = starts[index + 1][0] if index + 1 < len(starts) else len(line)
        pieces.append((label, line[text_start:text_end].strip()))
    return pieces


def _speaker(label: str) -> Speaker:
    return Speaker.AGENT if label in patterns.AGENT_LABELS else Speaker.CUSTOMER


def unlabelled_turns(text: str) -> list[Turn]:
    """An unlabelled text as UNKNOWN turns: its sentences when it is punctuated, else the
    pseudo-sentences that start at the words opening a spoken turn."""
    words = len(text.split())
    if len(_SENTENCE_END.findall(text)) * _PUNCTUATED_WORDS_PER_END >= words:
        return [Turn(Speaker.UNKNOWN, text)]
    cut = patterns.TURN_OPENERS.sub(lambda m: "\n" + m.group(0), text)
    return [Turn(Speaker.UNKNOWN, piece.strip()) for piece in cut.split("\n") if piece.strip()]
