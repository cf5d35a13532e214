"""Turns a record of the catalog topic (key `<entity_type>:<id>`, a JSON value or none at all)
into a change of a dimension or a rejection with a machine-readable reason, and validates
a batch's catalog records the way `consumer.ingest.batch` validates events."""

from __future__ import annotations

import logging
import re
from typing import Any

from pydantic import ValidationError

from consumer.ingest.batch import ValidatedBatch, dead_letter
from consumer.ingest.decode import Rejection, TaggedUnion, rejection_from
from consumer.ingest.ledger import PartitionSlice
from consumer.ingest.limits import Limits
from consumer.store.catalog_rows import CatalogChange, catalog_row
from pulse.contract import CATALOG_ADAPTER, MAX_ID_LENGTH, EntityType, RejectReason, TimeWindow
from pulse.contract.catalog import KEY_SEPARATOR
from pulse.contract.rules import ID_PATTERN

logger = logging.getLogger(__name__)

CATALOG = TaggedUnion(
    "entity_type", frozenset(kind.value for kind in EntityType), RejectReason.UNKNOWN_ENTITY_TYPE
)
_ID = re.compile(ID_PATTERN)
_KEY_HELP = "catalog records are keyed <entity_type>:<id>, e.g. product:p-1"


def decode_catalog(
    key: bytes | None, value: bytes | None, *, window: TimeWindow, max_bytes: int
) -> CatalogChange | Rejection:
    """Validate one catalog record against the contract; never raises for bad input.
    A tombstone deletes its entity as of the record's time, `window.now`."""
    entity = _parse_key(key)
    if isinstance(entity, Rejection):
        return entity
    entity_type, entity_id = entity
    if value is None:
        return CatalogChange(entity_type, entity_id, window.now, None)
    return _decode_value(entity_type, entity_id, value, window=window, max_bytes=max_bytes)


def _decode_value(
    entity_type: EntityType, entity_id: str, value: bytes, *, window: TimeWindow, max_bytes: int
) -> CatalogChange | Rejection:
    if len(value) > max_bytes:
        return Rejection(
            RejectReason.OVERSIZED, f"payload is {len(value)} bytes, the limit is {max_bytes}"
        )
    try:
        record = CATALOG_ADAPTER.validate_json(value, context={"window": window})
    except ValidationError as exc:
        return rejection_from(exc.errors(include_url=False), value, CATALOG)
    except RecursionError:
        return Rejection(RejectReason.MALFORMED_JSON, "JSON is nested too deeply")
    if (record.entity_type, record.entity_id) != (entity_type.value, entity_id):
        return Rejection(
            RejectReason.KEY_MISMATCH,
            f"the key names {entity_type.value}:{entity_id} but the value is "
            f"{record.entity_type}:{record.entity_id}",
            field_path=f"{record.entity_type}_id",
        )
    return CatalogChange(entity_type, entity_id, record.updated_at, record)


def _parse_key(key: bytes | None) -> tuple[EntityType, str] | Rejection:
    if key is None:
        return Rejection(RejectReason.INVALID_KEY, f"record has no key: {_KEY_HELP}")
    try:
        text = key.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(RejectReason.INVALID_KEY, f"the key is not UTF-8: {_KEY_HELP}")
    kind, separator, entity_id = text.partition(KEY_SEPARATOR)
    if not separator:
        return Rejection(RejectReason.INVALID_KEY, f"the key has no entity type: {_KEY_HELP}")
    try:
        entity_type = EntityType(kind)
    except ValueError:
        known = ", ".join(t.value for t in EntityType)
        return Rejection(
            RejectReason.UNKNOWN_ENTITY_TYPE,
            f"the key's entity type {kind[:64]!r} is none of {known}",
            field_path="entity_type",
        )
    if len(entity_id) > MAX_ID_LENGTH or _ID.fullmatch(entity_id) is None:
        return Rejection(
            RejectReason.INVALID_KEY,
            f"the key's id is not an identifier (1 to {MAX_ID_LENGTH} of A-Z a-z 0-9 _ . : -)",
        )
    return entity_type, entity_id


def validate_catalog_record(
    record: Any, limits: Limits, part: PartitionSlice, out: ValidatedBatch
) -> None:
    """One catalog record becomes a staging row or a dead letter; whatever fails for this
    record alone fails it alone (a `consumer.ingest.batch.RecordValidator`)."""
    try:
        outcome = decode_catalog(
            record.key,
            record.value,
            window=limits.window(record.timestamp),
            max_bytes=limits.max_event_bytes,
        )
        if not isinstance(outcome, Rejection):
            row = catalog_row(outcome, record.topic, record.partition, record.offset)
    except Exception as exc:  # a contract bug must not stop the partition: isolate it
        logger.warning("catalog validation raised; dead-lettering the record", exc_info=True)
        outcome = Rejection(RejectReason.INVALID_VALUE, f"validation failed: {exc!r}"[:500])
    if isinstance(outcome, Rejection):
        part.dead_lettered += 1
        out.letters.append(dead_letter(record, outcome))
        return
    part.valid += 1
    out.rows.append(row)
    out.event_times.append(outcome.valid_from)
