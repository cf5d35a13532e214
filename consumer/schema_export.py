"""Writes the contract's JSON Schema to `schema/activity_event.schema.json`, the file
producers in other languages validate against (a test fails when it is stale)."""

from __future__ import annotations

import json
from pathlib import Path

from consumer.contract import json_schema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "activity_event.schema.json"


def render_schema() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()
