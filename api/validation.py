"""Turns FastAPI's validation errors into one sentence that names each bad parameter,
what it must be, and what was given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_WHERE = {"query": "query parameter", "path": "path parameter", "header": "header"}


def describe_validation_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """`query parameter 'limit' must be less than or equal to 1000 (got '5000')`; several
    problems are joined with `; `."""
    parts = []
    for error in errors:
        location = list(error.get("loc", ()))
        where = _WHERE.get(str(location[0]), str(location[0])) if location else "request"
        name = ".".join(str(part) for part in location[1:]) or "?"
        message = str(error.get("msg", "is invalid"))
        message = message[0].lower() + message[1:] if message else message
        given = error.get("input")
        got = f" (got {given!r})" if isinstance(given, str | int | float) else ""
        parts.append(f"{where} {name!r}: {message}{got}")
    return "; ".join(parts) or "the request is invalid"
