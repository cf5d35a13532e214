"""Writes the contracts' JSON Schemas, the files producers in other languages validate
against: the events' to `schema/activity_event.schema.json`, the catalog's to
`schema/catalog_record.schema.json`. `--check` exits 1 when a checked-in file differs from
what the code generates (`make lint` runs it, and a unit test does too)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from pulse.contract import CATALOG_ADAPTER, EVENT_ADAPTER, SCHEMA_VERSION

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_PATH = SCHEMA_DIR / "activity_event.schema.json"
CATALOG_SCHEMA_PATH = SCHEMA_DIR / "catalog_record.schema.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# What no keyword can say; the README's section for producers lists the same.
LIMITS = (
    "Limits this schema cannot express, with the dead-letter reason (pulse.reason header): "
    "(1) the whole record value is at most MAX_EVENT_BYTES bytes (default 65536), counted "
    "in UTF-8 after any escaping: 'oversized'; "
    "(2) occurred_at is at most LATE_HORIZON_DAYS (default 400) days before the record's "
    "time, its Kafka timestamp (when it was produced, unless the producer set it): "
    "'timestamp_too_old', and at most CLOCK_SKEW_SECONDS (default 300) after it: "
    "'timestamp_in_future'; a time that is not between years 1 and 9999 in UTC is outside "
    "every window; "
    "(3) the value is UTF-8 I-JSON (RFC 7493), so a lone surrogate escape such as "
    "\\ud800 is 'malformed_json'. "
    "Unknown properties are accepted and dropped. A repeated event_id is stored once."
)
CATALOG_LIMITS = (
    "A record of the compacted catalog topic (KAFKA_CATALOG_TOPIC, default activity.catalog). "
    "Rules this schema cannot express, with the dead-letter reason (pulse.reason header): "
    "(1) the record key is '<entity_type>:<id>', naming the entity of the value: "
    "'invalid_key' when it is missing or malformed, 'unknown_entity_type', 'key_mismatch' "
    "when it names another entity; a record with the key and no value (a tombstone) deletes "
    "the entity; "
    "(2) the value is at most MAX_EVENT_BYTES bytes (default 65536): 'oversized'; "
    "(3) updated_at is at most CLOCK_SKEW_SECONDS (default 300) after the record's Kafka "
    "timestamp: 'timestamp_in_future'; "
    "(4) the value is UTF-8 I-JSON (RFC 7493): 'malformed_json'. "
    "Versions of an entity are ordered by updated_at; the same (entity, updated_at) twice is "
    "stored once. Unknown properties are accepted and dropped."
)


def json_schema() -> dict[str, Any]:
    """The event contract as standard Draft 2020-12 JSON Schema."""
    return _tagged_union(
        EVENT_ADAPTER,
        tag="event_type",
        title=f"Pulse activity event, schema_version {SCHEMA_VERSION}",
        description=LIMITS,
    )


def catalog_json_schema() -> dict[str, Any]:
    """The catalog contract as standard Draft 2020-12 JSON Schema."""
    return _tagged_union(
        CATALOG_ADAPTER,
        tag="entity_type",
        title=f"Pulse catalog record, schema_version {SCHEMA_VERSION}",
        description=CATALOG_LIMITS,
    )


def _tagged_union(
    adapter: TypeAdapter[Any], *, tag: str, title: str, description: str
) -> dict[str, Any]:
    """A discriminated union as standard Draft 2020-12 JSON Schema.

    pydantic writes the union as `oneOf` plus an OpenAPI `discriminator`, a keyword strict
    validators (ajv) refuse. It becomes one `if event_type is X then <model X>` per event
    type: standard, exactly as strict, a validator checks only the model that applies
    (`oneOf` made `jsonschema` check all fifteen, 15 ms per event), and an error names the
    field at fault instead of "not valid under any of the given schemas".
    """
    schema = adapter.json_schema(mode="validation")
    mapping: dict[str, str] = schema.pop("discriminator")["mapping"]
    del schema["oneOf"]
    return {
        "$schema": DRAFT_2020_12,
        "title": title,
        "description": description,
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": sorted(mapping)}},
        "allOf": [
            {
                "if": {"properties": {tag: {"const": value}}, "required": [tag]},
                "then": {"$ref": mapping[value]},
            }
            for value in sorted(mapping)
        ],
        **schema,
    }


def render_schema() -> str:
    return _render(json_schema())


def render_catalog_schema() -> str:
    return _render(catalog_json_schema())


def _render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _files() -> list[tuple[Path, str]]:
    # Looked up at call time: the tests point SCHEMA_PATH at a scratch file.
    return [(SCHEMA_PATH, render_schema()), (CATALOG_SCHEMA_PATH, render_catalog_schema())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulse.schema_export", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the checked-in schema is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = [
            path.name
            for path, text in _files()
            if (path.read_text(encoding="utf-8") if path.exists() else "") != text
        ]
        if stale:
            print(
                f"error: {', '.join(stale)} differs from the contract in pulse/contract/: "
                "run `python -m pulse.schema_export` and commit the file.",
                file=sys.stderr,
            )
            return 1
        print(", ".join(path.name for path, _ in _files()) + " match the contracts")
        return 0
    for path, text in _files():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
