"""Makes untrusted bytes safe to print on one terminal line: dead-letter payloads and
headers can hold anything, including escape sequences that would rewrite the screen."""

from __future__ import annotations

import unicodedata

# Controls (C0, DEL, C1 - including newline, tab and ESC), format characters (bidi
# overrides, zero-width joiners), line and paragraph separators, surrogates.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
ELLIPSIS = "…"


def _escape(char: str) -> str:
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: str, *, limit_chars: int | None = None) -> str:
    """`text` with every unsafe character escaped, cut to `limit_chars` (plus "…").

    The cut never splits an escape sequence, so what is shown is always readable.
    """
    pieces: list[str] = []
    length = 0
    for char in text:
        piece = _escape(char)
        if limit_chars is not None and length + len(piece) > limit_chars:
            return "".join(pieces) + ELLIPSIS
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)


def safe_bytes(raw: bytes | None, *, limit_chars: int | None = None) -> str:
    """Bytes shown as UTF-8 where they are, `\\xNN` where they are not."""
    if raw is None:
        return "(none)"
    # Only decode what can be shown: an oversized payload may be megabytes long.
    head = raw if limit_chars is None else raw[: limit_chars * 4 + 4]
    return safe_text(head.decode("utf-8", errors="backslashreplace"), limit_chars=limit_chars)


def payload_excerpt(value: bytes | None, *, limit_chars: int) -> str:
    """A one-line excerpt of a payload, with its size: `{"a": 1}… (5123 bytes)`."""
    if value is None:
        return "(no value: tombstone)"
    return f"{safe_bytes(value, limit_chars=limit_chars)} ({len(value)} bytes)"
