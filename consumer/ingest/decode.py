"""Turns the raw bytes of a Kafka record into a typed event or a rejection with a
machine-readable reason, a human message and the failing field path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pulse.contract import (
    EVENT_ADAPTER,
    TEXT_PATTERN,
    Event,
    EventType,
    RejectReason,
    TimeWindow,
    explain_text,
)

# pydantic error types that mean "the value has the wrong JSON type or cannot be parsed
# as the declared type"; everything else that is not listed below is a bad value.
_WRONG_TYPE_SUFFIXES = ("_type", "_parsing")
_REASON_BY_ERROR_TYPE = {
    "missing": RejectReason.MISSING_FIELD,
    "union_tag_not_found": RejectReason.MISSING_FIELD,
    "model_attributes_type": RejectReason.WRONG_TYPE,
    "model_type": RejectReason.WRONG_TYPE,
    "decimal_not_float": RejectReason.WRONG_TYPE,
    "timezone_aware": RejectReason.WRONG_TYPE,
    RejectReason.TIMESTAMP_TOO_OLD.value: RejectReason.TIMESTAMP_TOO_OLD,
    RejectReason.TIMESTAMP_IN_FUTURE.value: RejectReason.TIMESTAMP_IN_FUTURE,
}
_MAX_DETAILS = 10


@dataclass(frozen=True, slots=True)
class TaggedUnion:
    """A contract's discriminated union, as its rejections need it: the tag field, its
    values (a location starting with one is the model's, not a field), and the reason
    for a tag value that names no model."""

    tag: str
    values: frozenset[str]
    unknown: RejectReason


EVENTS = TaggedUnion(
    "event_type", frozenset(tag.value for tag in EventType), RejectReason.UNKNOWN_EVENT_TYPE
)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One entry of pydantic's error list, kept small enough for a Kafka header."""

    path: str
    error_type: str
    message: str


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: RejectReason
    message: str
    field_path: str = ""
    details: tuple[FieldError, ...] = field(default_factory=tuple)
    sqlstate: str = ""  # set when PostgreSQL refused the record's values


def decode_event(raw: bytes | None, *, window: TimeWindow, max_bytes: int) -> Event | Rejection:
    """Validate one record value against the contract; never raises for bad input."""
    if raw is None:
        return Rejection(RejectReason.MALFORMED_JSON, "record has no value (tombstone)")
    if len(raw) > max_bytes:
        return Rejection(
            RejectReason.OVERSIZED, f"payload is {len(raw)} bytes, the limit is {max_bytes}"
        )
    try:
        return EVENT_ADAPTER.validate_json(raw, context={"window": window})
    except ValidationError as exc:
        return rejection_from(exc.errors(include_url=False), raw)
    except RecursionError:
        return Rejection(RejectReason.MALFORMED_JSON, "JSON is nested too deeply")


def rejection_from(
    errors: list[ErrorDetails], raw: bytes, union: TaggedUnion = EVENTS
) -> Rejection:
    """The rejection of a value pydantic refused, from its error list."""
    errors = [_explained(err) for err in errors[:_MAX_DETAILS]]
    first = errors[0]
    details = tuple(FieldError(_path(err["loc"], union), err["type"], err["msg"]) for err in errors)
    reason = _reason(first, raw, union)
    # The union's tag errors carry no location, but the field at fault is the tag.
    path = union.tag if first["type"].startswith("union_tag") else _path(first["loc"], union)
    return Rejection(reason=reason, message=first["msg"], field_path=path, details=details)


def _explained(error: ErrorDetails) -> ErrorDetails:
    """The text rules fail as one regex pattern; say which rule the text broke."""
    ctx = error.get("ctx") or {}
    if error["type"] == "string_pattern_mismatch" and ctx.get("pattern") == TEXT_PATTERN:
        kind, message = explain_text(str(error.get("input", "")))
        return {**error, "type": kind, "msg": message}
    return error


def _reason(error: ErrorDetails, raw: bytes, union: TaggedUnion) -> RejectReason:
    kind = error["type"]
    if kind == "json_invalid":
        return _classify_unparsable(raw)
    if not error["loc"] and kind.startswith(("model_", "dict_")):
        return RejectReason.NOT_AN_OBJECT
    if kind != "missing" and error["loc"][-1:] == ("schema_version",):
        # Any schema_version but the integer this consumer reads ("1", true, 2): the
        # producer speaks another contract, whatever the JSON type it used.
        return RejectReason.UNSUPPORTED_SCHEMA_VERSION
    known = union.unknown if kind == "union_tag_invalid" else _REASON_BY_ERROR_TYPE.get(kind)
    if known is not None:
        return known
    if kind.endswith(_WRONG_TYPE_SUFFIXES):
        return RejectReason.WRONG_TYPE
    return RejectReason.INVALID_VALUE


def _classify_unparsable(raw: bytes) -> RejectReason:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return RejectReason.UNDECODABLE
    return RejectReason.MALFORMED_JSON


def _path(loc: tuple[Any, ...], union: TaggedUnion) -> str:
    # The first element of a discriminated union's location is the tag ("page_view"),
    # which is not a field of the payload.
    parts = [str(part) for part in loc]
    if len(parts) > 1 and parts[0] in union.values:
        parts = parts[1:]
    return ".".join(parts)
