"""The contract's field types: each an annotated Python type with its validator and the
exact JSON Schema it exports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from pulse.contract.rules import (
    ID_ALPHABET,
    ID_PATTERN,
    MAX_COMMENT_LENGTH,
    MAX_DURATION_SECONDS,
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_QUANTITY,
    MAX_QUERY_LENGTH,
    MAX_RESULTS_COUNT,
    MAX_SHORT_TEXT_LENGTH,
    MAX_TRANSCRIPT_LENGTH,
    MAX_UNIT_PRICE,
    MIN_DURATION_SECONDS,
    MIN_QUANTITY,
    MIN_RESULTS_COUNT,
    MONEY_PATTERN,
    NOT_BLANK_PATTERN,
    NUL_PATTERN,
    SCHEMA_VERSION,
    TEXT_PATTERN,
    TIMESTAMP_PATTERN,
    UUID_PATTERN,
    _integral,
    _known_version,
    _moment_in_window,
    _money,
    _uuid,
)


def _string_schema(*, pattern: str, alphabet: str, **keywords: Any) -> dict[str, Any]:
    """A JSON Schema string: `pattern`, and a `not` pattern that refuses any character
    outside `alphabet` (what keeps a trailing newline out where `$` would allow it)."""
    return {
        "type": "string",
        **keywords,
        "pattern": pattern,
        "not": {"type": "string", "pattern": f"[^{alphabet}]"},
    }


def _text_schema(max_length: int) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": NOT_BLANK_PATTERN,
        "not": {"type": "string", "pattern": NUL_PATTERN},
        "description": "Not blank (a character other than space, tab, LF, CR); no NUL.",
    }


def _integer_schema(low: int, high: int) -> WithJsonSchema:
    # Stated here because pydantic would emit its own `ge`/`le` for a constrained int
    # behind a validator, which no JSON Schema validator knows.
    return WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})


SchemaVersion = Annotated[
    int,
    BeforeValidator(_integral),
    Field(strict=True),
    AfterValidator(_known_version),
    WithJsonSchema({"type": "integer", "const": SCHEMA_VERSION}),
]
EventId = Annotated[
    UUID,
    BeforeValidator(_uuid),
    WithJsonSchema(_string_schema(pattern=UUID_PATTERN, alphabet="0-9a-fA-F-", format="uuid")),
]


Timestamp = Annotated[
    datetime,
    BeforeValidator(_moment_in_window),
    WithJsonSchema(
        _string_schema(pattern=TIMESTAMP_PATTERN, alphabet="0-9TZ:.+-", format="date-time")
    ),
]
Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_ID_LENGTH, pattern=ID_PATTERN),
    WithJsonSchema(
        _string_schema(
            pattern=ID_PATTERN, alphabet=ID_ALPHABET, minLength=1, maxLength=MAX_ID_LENGTH
        )
    ),
]
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_SHORT_TEXT_LENGTH, pattern=TEXT_PATTERN),
    WithJsonSchema(_text_schema(MAX_SHORT_TEXT_LENGTH)),
]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH, pattern=TEXT_PATTERN),
    WithJsonSchema(_text_schema(MAX_NAME_LENGTH)),
]
SearchQuery = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_QUERY_LENGTH, pattern=TEXT_PATTERN),
    WithJsonSchema(_text_schema(MAX_QUERY_LENGTH)),
]
CommentText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_COMMENT_LENGTH, pattern=TEXT_PATTERN),
    WithJsonSchema(_text_schema(MAX_COMMENT_LENGTH)),
]
Transcript = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_TRANSCRIPT_LENGTH, pattern=TEXT_PATTERN),
    WithJsonSchema(_text_schema(MAX_TRANSCRIPT_LENGTH)),
]
Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema(
        {
            "anyOf": [
                _string_schema(pattern=MONEY_PATTERN, alphabet="0-9."),
                {"type": "integer", "minimum": 0, "maximum": int(MAX_UNIT_PRICE)},
            ],
            "description": 'Decimal text ("19.99") or an integer; never a fractional number.',
        }
    ),
]
Country = Annotated[
    str,
    StringConstraints(pattern="^[A-Z]{2}$"),
    WithJsonSchema(_string_schema(pattern="^[A-Z]{2}$", alphabet="A-Z")),
]
Currency = Annotated[
    str,
    StringConstraints(pattern="^[A-Z]{3}$"),
    WithJsonSchema(_string_schema(pattern="^[A-Z]{3}$", alphabet="A-Z")),
]


Quantity = Annotated[
    int,
    BeforeValidator(_integral),
    Field(strict=True, ge=MIN_QUANTITY, le=MAX_QUANTITY),
    _integer_schema(MIN_QUANTITY, MAX_QUANTITY),
]
ResultsCount = Annotated[
    int,
    BeforeValidator(_integral),
    Field(strict=True, ge=MIN_RESULTS_COUNT, le=MAX_RESULTS_COUNT),
    _integer_schema(MIN_RESULTS_COUNT, MAX_RESULTS_COUNT),
]
DurationSeconds = Annotated[
    int,
    BeforeValidator(_integral),
    Field(strict=True, ge=MIN_DURATION_SECONDS, le=MAX_DURATION_SECONDS),
    _integer_schema(MIN_DURATION_SECONDS, MAX_DURATION_SECONDS),
]
