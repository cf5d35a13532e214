"""Hypothesis strategies for the values a JSON Schema accepts, read from the schema itself.

It understands exactly the keywords `schema/activity_event.schema.json` uses and refuses
any other, so a new keyword in the contract fails here loudly instead of being ignored.
(hypothesis-jsonschema would do this job, but its 0.23.1, the latest, crashes with the
Hypothesis this project runs: it drives private Hypothesis internals that have changed.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator

_ANNOTATIONS = {"$schema", "title", "description", "default", "$defs"}
_KEYWORDS = _ANNOTATIONS | {
    "$ref", "allOf", "oneOf", "anyOf", "const", "enum", "type", "properties", "required",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "not", "format",
}  # fmt: skip
_FORMATS = Draft202012Validator.FORMAT_CHECKER
# Unknown properties a newer producer might send: short names, any small JSON value.
_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def from_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against `schema` (a whole document: `$ref`s resolve against it)."""
    return _strategy(schema, schema)


def _strategy(schema: Mapping[str, Any], root: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    unknown = set(schema) - _KEYWORDS
    if unknown:
        raise ValueError(f"schema keywords this generator does not know: {sorted(unknown)}")
    if "$ref" in schema:
        return _strategy(_resolve(schema["$ref"], root), root)
    if "allOf" in schema:
        # One `if <event_type is X> then <model X>` per type: a value of any `then` is
        # valid against the whole (each model fixes its own event_type).
        if not all(set(item) == {"if", "then"} for item in schema["allOf"]):
            raise ValueError("only an allOf of if/then pairs is supported")
        return st.one_of([_strategy(item["then"], root) for item in schema["allOf"]])
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            return st.one_of([_strategy(branch, root) for branch in schema[combinator]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    return _typed(schema, root)


def _typed(schema: Mapping[str, Any], root: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    kind = schema["type"]
    if kind == "integer":
        whole = st.integers(schema.get("minimum"), schema.get("maximum"))
        # JSON Schema's integer includes 12.0; a Python float is written as "12.0".
        return whole | whole.filter(lambda n: abs(n) < 2**53).map(float)
    if kind == "string":
        return _strings(schema)
    if kind == "object":
        return _objects(schema, root)
    if kind != "null":
        raise ValueError(f"schema type this generator does not know: {kind!r}")
    return st.none()


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are supported, not {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def _strings(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), schema.get("maxLength", 300)
    pattern: str | None = schema.get("pattern")
    if pattern is not None and pattern.startswith("^") and pattern.endswith("$"):
        base = st.from_regex(pattern, fullmatch=True)
    else:
        base = st.text(min_size=low, max_size=min(high, low + 300))
    checks: list[Callable[[str], bool]] = [lambda s: low <= len(s) <= high]
    if pattern is not None:
        checks.append(lambda s: re.search(pattern, s) is not None)
    refused = schema.get("not")
    if refused is not None:
        if set(refused) - {"type", "pattern"}:
            raise ValueError(f"only `not: {{pattern}}` is supported, not {refused!r}")
        checks.append(lambda s: re.search(refused["pattern"], s) is None)
    form = schema.get("format")
    if form is not None:
        checks.append(lambda s: _FORMATS.conforms(s, form))

    def accept(value: str) -> bool:
        return all(check(value) for check in checks)

    return base.filter(accept)


def _objects(schema: Mapping[str, Any], root: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fields = {name: _strategy(sub, root) for name, sub in properties.items()}
    optional = sorted(set(fields) - required)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        value = {name: draw(fields[name]) for name in sorted(required)}
        for name in optional:
            if draw(st.booleans()):
                value[name] = draw(fields[name])
        extra = draw(
            st.dictionaries(
                st.text(min_size=1, max_size=12).filter(lambda k: k not in properties),
                _JSON_VALUES,
                max_size=2,
            )
        )
        return {**extra, **value}

    return build()
