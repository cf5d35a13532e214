"""The catalog's pure logic: its contract and JSON Schema, how a record (key and value)
becomes a dimension change or a rejection with its reason, the staging row, and the
simulator's catalog feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import jsonschema
import pytest

from consumer.ingest.catalog import decode_catalog
from consumer.ingest.decode import Rejection
from consumer.store.catalog_rows import CATALOG_COLUMNS, CatalogChange, catalog_row
from producer.app import ClockChoice, make_simulator
from producer.faults import FaultPlan
from pulse.contract import CATALOG_ADAPTER, EntityType, PostRecord, TimeWindow, catalog_key
from pulse.schema_export import CATALOG_SCHEMA_PATH, render_catalog_schema
from pulse.settings import Settings

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WINDOW = TimeWindow(NOW, timedelta(days=400), timedelta(minutes=5))
MAX_BYTES = 65_536


def _product(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "schema_version": 1,
        "entity_type": "product",
        "product_id": "p-1",
        "name": "Desk lamp",
        "category": "Home",
        "unit_price": "19.99",
        "currency": "USD",
        "updated_at": "2026-03-01T08:00:00Z",
    }
    return record | changes


def _post(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "schema_version": 1,
        "entity_type": "post",
        "post_id": "c-1",
        "title": "Kafka in ten minutes",
        "tags": ["kafka", "streaming"],
        "promoted": False,
        "author_id": "u-1",
        "category": "Tech",
        "published_at": "2025-06-01T12:00:00+02:00",
        "updated_at": "2026-03-01T08:00:00Z",
    }
    return record | changes


def _decode(key: bytes | None, value: dict[str, Any] | bytes | None) -> CatalogChange | Rejection:
    raw = json.dumps(value).encode() if isinstance(value, dict) else value
    return decode_catalog(key, raw, window=WINDOW, max_bytes=MAX_BYTES)


def _reason(key: bytes | None, value: dict[str, Any] | bytes | None) -> str:
    outcome = _decode(key, value)
    assert isinstance(outcome, Rejection), outcome
    return outcome.reason.value


def test_checked_in_catalog_schema_is_current() -> None:
    assert CATALOG_SCHEMA_PATH.read_text(encoding="utf-8") == render_catalog_schema(), (
        "schema/catalog_record.schema.json is stale: run `python -m pulse.schema_export`"
    )


def test_schema_covers_every_entity_type_and_agrees_with_the_contract() -> None:
    schema = json.loads(render_catalog_schema())
    assert set(schema["properties"]["entity_type"]["enum"]) == {t.value for t in EntityType}
    validator = jsonschema.Draft202012Validator(schema)
    good = [_product(), _post(), _post(tags=[])]
    bad = [_product(unit_price=19.99), _post(tags="kafka"), _post(promoted="yes"),
           _product(entity_type="shoe"), _post(title=" "), _product(name="a\u0000b")]  # fmt: skip
    for record in good:
        assert validator.is_valid(record), record
        CATALOG_ADAPTER.validate_python(record)
    for record in bad:
        assert not validator.is_valid(record), record
        assert isinstance(_decode(b"product:p-1", record), Rejection), record


def test_a_valid_record_becomes_a_version_from_its_updated_at() -> None:
    change = _decode(b"post:c-1", _post())
    assert isinstance(change, CatalogChange)
    assert (change.entity_type, change.entity_id) == (EntityType.POST, "c-1")
    assert change.valid_from == datetime(2026, 3, 1, 8, tzinfo=UTC)
    assert isinstance(change.record, PostRecord)
    assert change.record.published_at == datetime(2025, 6, 1, 10, tzinfo=UTC)
    assert not change.is_deleted


def test_a_tombstone_deletes_as_of_the_records_time() -> None:
    change = _decode(b"product:p-1", None)
    assert isinstance(change, CatalogChange)
    assert change.is_deleted
    assert change.valid_from == NOW  # the record's Kafka timestamp (the window's "now")


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        (None, _product(), "invalid_key"),
        (b"p-1", _product(), "invalid_key"),
        (b"\xff\xfe:1", _product(), "invalid_key"),
        (b"product:", _product(), "invalid_key"),
        (b"product:p 1", _product(), "invalid_key"),
        (b"shoe:p-1", _product(), "unknown_entity_type"),
        (b"shoe:p-1", None, "unknown_entity_type"),
        (b"product:p-2", _product(), "key_mismatch"),
        (b"post:p-1", _product(), "key_mismatch"),
        (b"product:p-1", _product(entity_type="shoe"), "unknown_entity_type"),
        (b"product:p-1", _product(unit_price=19.99), "wrong_type"),
        (b"post:c-1", _post(tags="kafka"), "wrong_type"),
        (b"post:c-1", _post(promoted=1), "wrong_type"),
        (b"product:p-1", {k: v for k, v in _product().items() if k != "name"}, "missing_field"),
        (b"product:p-1", _product(schema_version=2), "unsupported_schema_version"),
        (b"product:p-1", _product(updated_at="2026-03-02T10:00:00Z"), "timestamp_in_future"),
        (b"product:p-1", _product(updated_at="2026-03-01 08:00:00"), "wrong_type"),
        (b"product:p-1", b"{not json", "malformed_json"),
        (b"product:p-1", b"\xff\xfe\x00", "undecodable"),
        (b"product:p-1", b"[1, 2]", "not_an_object"),
        (b"product:p-1", b"{}" + b" " * MAX_BYTES, "oversized"),
        (b"post:c-1", _post(tags=["t"] * 33), "invalid_value"),
    ],
)
def test_bad_records_are_rejected_with_their_reason(
    key: bytes | None, value: dict[str, Any] | bytes | None, reason: str
) -> None:
    assert _reason(key, value) == reason


def test_an_old_updated_at_is_a_version_of_the_past_not_an_error() -> None:
    change = _decode(b"product:p-1", _product(updated_at="1999-01-01T00:00:00Z"))
    assert isinstance(change, CatalogChange)


def test_rejections_name_the_field_at_fault() -> None:
    outcome = _decode(b"product:p-1", _product(updated_at="2026-03-01 08:00:00"))
    assert isinstance(outcome, Rejection)
    assert outcome.field_path == "updated_at"
    assert "updated_at" in outcome.message
    unknown = _decode(b"product:p-1", _product(entity_type="shoe"))
    assert isinstance(unknown, Rejection)
    assert unknown.field_path == "entity_type"


def test_the_staging_row_carries_each_types_attributes_and_the_records_position() -> None:
    product = _decode(b"product:p-1", _product())
    assert isinstance(product, CatalogChange)
    row = dict(zip(CATALOG_COLUMNS, catalog_row(product, "cat", 2, 41), strict=True))
    assert row["entity_name"] == "Desk lamp"
    assert row["unit_price"] == Decimal("19.99")
    assert row["title"] is None
    assert (row["source_topic"], row["source_partition"], row["source_offset"]) == ("cat", 2, 41)
    tombstone = _decode(b"post:c-1", None)
    assert isinstance(tombstone, CatalogChange)
    row = dict(zip(CATALOG_COLUMNS, catalog_row(tombstone, "cat", 0, 7), strict=True))
    assert row["is_deleted"] is True
    assert all(row[c] is None for c in CATALOG_COLUMNS[4:-3])


def _feed_run(
    seed: int, events: int
) -> tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]:
    simulator = make_simulator(
        settings=Settings(), clock=ClockChoice(live=False, days=20), seed=seed,
        population_seed=3, users=2000, count=events, rate=0.0,
        plan=FaultPlan(defects={}, duplicate=0.0, late=0.0), late_horizon=timedelta(days=400),
        catalog=True,
    )  # fmt: skip
    assert simulator.catalog is not None
    snapshot = simulator.catalog.snapshot()
    for _ in simulator.records(limit=events):
        pass
    return snapshot, simulator.catalog.take()


def test_the_feed_publishes_every_entity_then_changes_that_validate() -> None:
    snapshot, changes = _feed_run(seed=5, events=30_000)
    kinds = {key.split(b":")[0].decode() for key, _ in snapshot}
    assert kinds == {t.value for t in EntityType}
    for key, value in snapshot + changes:
        record = CATALOG_ADAPTER.validate_json(value)
        assert key == catalog_key(record.entity_type, record.entity_id)
    changed = {key.split(b":")[0].decode() for key, _ in changes}
    assert {"post", "product"} <= changed  # new posts, renames or reprices
    first = {key: json.loads(value)["updated_at"] for key, value in snapshot}
    for key, value in changes:
        if key in first:  # a change of an entity of the snapshot: a later version
            assert json.loads(value)["updated_at"] > first[key]


def test_a_new_run_publishes_the_same_snapshot_so_nothing_is_versioned_twice() -> None:
    # Another events seed (another run of the demo): the same world, the same versions.
    assert _feed_run(seed=5, events=10)[0] == _feed_run(seed=6, events=10)[0]
