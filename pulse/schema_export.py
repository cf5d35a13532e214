"""Writes the contract's JSON Schema to `schema/activity_event.schema.json`, the file
producers in other languages validate against. `--check` exits 1 when the checked-in file
differs from what the code generates (`make lint` runs it, and a unit test does too)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pulse.contract import EVENT_ADAPTER, SCHEMA_VERSION

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "activity_event.schema.json"
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


def json_schema() -> dict[str, Any]:
    """The contract as standard Draft 2020-12 JSON Schema, for producers in other languages.

    pydantic writes the union as `oneOf` plus an OpenAPI `discriminator`, a keyword strict
    validators (ajv) refuse. It becomes one `if event_type is X then <model X>` per event
    type: standard, exactly as strict, a validator checks only the model that applies
    (`oneOf` made `jsonschema` check all fifteen, 15 ms per event), and an error names the
    field at fault instead of "not valid under any of the given schemas".
    """
    schema = EVENT_ADAPTER.json_schema(mode="validation")
    mapping: dict[str, str] = schema.pop("discriminator")["mapping"]
    del schema["oneOf"]
    return {
        "$schema": DRAFT_2020_12,
        "title": f"Pulse activity event, schema_version {SCHEMA_VERSION}",
        "description": LIMITS,
        "type": "object",
        "required": ["event_type"],
        "properties": {"event_type": {"enum": sorted(mapping)}},
        "allOf": [
            {
                "if": {"properties": {"event_type": {"const": tag}}, "required": ["event_type"]},
                "then": {"$ref": mapping[tag]},
            }
            for tag in sorted(mapping)
        ],
        **schema,
    }


def render_schema() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulse.schema_export", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the checked-in schema is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != render_schema():
            print(
                f"error: {SCHEMA_PATH.name} differs from the contract in pulse/contract/: "
                "run `python -m pulse.schema_export` and commit the file.",
                file=sys.stderr,
            )
            return 1
        print(f"{SCHEMA_PATH.name} matches the contract")
        return 0
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
