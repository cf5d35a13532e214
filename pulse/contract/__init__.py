"""The event contract: pydantic models of every activity event Pulse accepts.

The consumer owns this module and the producer imports it, so the simulator cannot drift
from what the consumer accepts. `schema/activity_event.schema.json` is generated from it
(`python -m pulse.schema_export`), and a conformance suite (tests/conformance) checks
that the consumer, Python's `jsonschema` and JavaScript's `ajv` agree on every event.

Decisions: each rule is decided once, here, and the JSON Schema says exactly the same.

- **Amounts** (`unit_price`) are a JSON string of plain decimal text, at most ten digits
  before the point and two after it, no sign, exponent or leading zero ("19.99", "0.10",
  "20"), or a JSON integer (20). A JSON number with a fraction (19.99) is rejected here
  and by the schema (reason `wrong_type`): JSON Schema has no standard keyword for "two
  decimals" that validators apply exactly; `multipleOf: 0.01` is checked in binary
  floating point, where 19.99 / 0.01 = 1998.9999999999998, so `jsonschema` and `ajv`
  would refuse most cent values. A string is exact in every language.
- **Integers** are JSON integers as JSON Schema defines them: a number with a zero
  fraction, so 12.0 and 1.2e1 are the integer 12 (JavaScript cannot even tell 12.0 from
  12). A fraction, a string ("2") or a boolean is `wrong_type`. This holds for
  `schema_version`, `quantity`, `results_count`, `duration_seconds` and integer amounts.
- **Timestamps** (`occurred_at`) are RFC 3339 with an upper-case `T` and `Z` and a
  mandatory offset (`Z` or `+hh:mm`): `2026-03-02T09:30:00Z`,
  `2026-03-02T10:30:00.5+01:00`. Seconds 00-59 (no leap second: neither Python nor
  PostgreSQL can hold one), a fraction of 1 to 9 digits (Java and Go write nanoseconds)
  truncated to microseconds, PostgreSQL's resolution. No epoch numbers, no space
  separator, no `+0000`, no missing seconds. Without an offset: `wrong_type`. A time that
  does not exist in UTC between year 1 and 9999 is outside every time window:
  `timestamp_too_old` or `timestamp_in_future`.
- **UUIDs** (`event_id`) are the canonical 8-4-4-4-12 hyphenated hex form, either case,
  any version; no braces, no `urn:uuid:` prefix, no bare 32 hex digits.
- **Text** is stored in PostgreSQL, which cannot hold NUL, so NUL is rejected (not
  stripped: that would alter the user's data). Free text (names, categories, queries,
  comments, transcripts) must hold a character other than space, tab, LF or CR. Lengths
  count Unicode code points, as JSON Schema's `maxLength` does.
- **Patterns** are stated for every regex engine: a `pattern` anchored with `^...$` plus
  a `not` pattern over the complement of its alphabet, because `$` also matches before a
  final newline in Python's and Java's engines ("u-1\n" would pass otherwise).
- **Unknown fields** are accepted and dropped, for forward compatibility: producers may
  send fields a newer contract defines. They still count towards the byte limit.
- **Bounds fit their columns**: every accepted value fits its PostgreSQL column
  (`numeric(12,2)`, `integer`); the constants below are the bounds, and a test checks them
  against the columns.

Limits the schema cannot express, documented in its `description` and in the README:
the bytes of a whole record (`MAX_EVENT_BYTES`, reason `oversized`), the time window
relative to the record's time (`LATE_HORIZON_DAYS`, `CLOCK_SKEW_SECONDS`: `timestamp_too_old`,
`timestamp_in_future`), and the JSON text itself, which must be UTF-8 I-JSON (RFC 7493):
a lone surrogate escape such as "\\ud800" is `malformed_json`.

The catalog of products, posts, authors and agents has a contract of its own in
`pulse/contract/catalog.py` (the same field types, its own JSON Schema).

Versioning. Every change to what this module accepts regenerates the schema file
(`python -m pulse.schema_export`) in the same commit; `make lint` and the unit tests
fail when the checked-in file differs from the generated one, so the two never drift.
A compatible change (accepting more: a new optional field, a new event type, a wider bound
that still fits its column) keeps `SCHEMA_VERSION`, since every event valid before stays
valid and means the same; producers send the new thing only once the consumers run it
(earlier sends are dead-lettered and `dlq replay` brings them back). An incompatible change
(a field removed, renamed, newly required or narrowed, or a meaning changed) needs
`SCHEMA_VERSION + 1`: the consumer then accepts both versions for at least one release,
upgrading old events to the new models when it decodes them, and keeps the old schema
as `schema/activity_event.v<N>.schema.json`; any other version is dead-lettered as
`unsupported_schema_version`, replayable once a consumer knows it. Version 1 was tightened
without a bump when the schema was first made exact (issue 14): the consumer then only
narrowed to what the published schema already promised (RFC 3339, UUID forms), except for
blank free text, and the simulator, the only producer then, never sent any of it.
"""

from pulse.contract.catalog import (
    CATALOG_ADAPTER,
    AgentRecord,
    AuthorRecord,
    CatalogRecord,
    EntityType,
    PostRecord,
    ProductRecord,
    catalog_key,
)
from pulse.contract.models import (
    EVENT_ADAPTER,
    AddToCart,
    Click,
    Comment,
    Event,
    Like,
    Location,
    Login,
    Logout,
    PageCreate,
    PageEdit,
    PageView,
    Purchase,
    RemoveFromCart,
    Search,
    Share,
    Signup,
    SupportCall,
)
from pulse.contract.rules import (
    INT4_MAX,
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
    MIN_UNIT_PRICE,
    SCHEMA_VERSION,
    TEXT_PATTERN,
    UNIT_PRICE_DECIMAL_PLACES,
    UNIT_PRICE_MAX_DIGITS,
    Device,
    EventType,
    RejectReason,
    TimeWindow,
    explain_text,
)

__all__ = [
    "CATALOG_ADAPTER", "EVENT_ADAPTER", "INT4_MAX", "MAX_COMMENT_LENGTH",
    "MAX_DURATION_SECONDS", "MAX_ID_LENGTH", "MAX_NAME_LENGTH", "MAX_QUANTITY",
    "MAX_QUERY_LENGTH", "MAX_RESULTS_COUNT", "MAX_SHORT_TEXT_LENGTH", "MAX_TRANSCRIPT_LENGTH",
    "MAX_UNIT_PRICE", "MIN_DURATION_SECONDS", "MIN_QUANTITY", "MIN_RESULTS_COUNT",
    "MIN_UNIT_PRICE", "SCHEMA_VERSION", "TEXT_PATTERN", "UNIT_PRICE_DECIMAL_PLACES",
    "UNIT_PRICE_MAX_DIGITS", "AddToCart", "AgentRecord", "AuthorRecord", "CatalogRecord",
    "Click", "Comment", "Device", "EntityType", "Event", "EventType", "Like", "Location",
    "Login", "Logout", "PageCreate", "PageEdit", "PageView", "PostRecord", "ProductRecord",
    "Purchase", "RejectReason", "RemoveFromCart", "Search", "Share", "Signup", "SupportCall",
    "TimeWindow", "catalog_key", "explain_text",
]  # fmt: skip
