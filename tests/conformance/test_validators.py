"""The exported schema and the consumer agree: every case of the corpus gets the same
verdict from the consumer's validation, from `jsonschema` (Python, Draft 2020-12, formats
checked) and from `ajv` (JavaScript, strict mode, ajv-formats). The consumer here is its
validation in this process; test_consumer_conformance sends the same corpus through the
running consumer on a real Kafka and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from consumer.ingest.decode import Rejection, decode_event
from pulse.contract import RejectReason, TimeWindow
from pulse.settings import Settings
from tests.conformance.corpus import Case, corpus_lines
from tests.conformance.verdicts import (
    Outcome,
    ajv_verdicts,
    disagreements,
    jsonschema_verdicts,
    load_schema,
    python_validator,
    report,
)

# Every keyword of Draft 2020-12's core, applicator, validation, format-annotation and
# meta-data vocabularies that the schema may use; anything else is a vendor keyword.
STANDARD_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$comment", "$anchor", "allOf", "anyOf", "oneOf",
    "not", "if", "then", "else", "properties", "patternProperties", "additionalProperties",
    "propertyNames", "items", "prefixItems", "contains", "type", "enum", "const",
    "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties",
    "minProperties", "required", "dependentRequired", "format", "title", "description",
    "default", "deprecated", "readOnly", "writeOnly", "examples",
}  # fmt: skip


def in_process(cases: list[Case]) -> dict[str, Outcome]:
    config = Settings()
    window = TimeWindow(
        datetime.now(UTC),
        timedelta(days=config.late_horizon_days),
        timedelta(seconds=config.clock_skew_seconds),
    )
    outcomes: dict[str, Outcome] = {}
    for case in cases:
        verdict = decode_event(case.value, window=window, max_bytes=config.max_event_bytes)
        if isinstance(verdict, Rejection):
            outcomes[case.case_id] = Outcome(stored=False, reason=verdict.reason.value)
        else:
            outcomes[case.case_id] = Outcome(stored=True)
    return outcomes


def _keywords(node: object, inside_properties: bool = False) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not inside_properties:
                found.add(key)
            found |= _keywords(value, inside_properties=key in ("properties", "$defs"))
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


def test_schema_uses_standard_keywords_only() -> None:
    assert _keywords(load_schema()) <= STANDARD_KEYWORDS
    python_validator()  # the meta-schema accepts it, and the formats are checked


def test_schema_compiles_in_strict_ajv(ajv_installed: None) -> None:
    # An empty corpus still compiles the schema; a strict-mode refusal exits 2.
    assert ajv_verdicts("") == {}


def test_the_check_finds_disagreements_and_unapplied_limits() -> None:
    cases = [
        Case("a", "mutation", "stored but schema-invalid", b"{}"),
        Case("b", "mutation", "limit", b"{}", RejectReason.OVERSIZED),
        Case("c", "mutation", "limit not applied", b"{}", RejectReason.OVERSIZED),
        Case("d", "mutation", "agreed", b"{}"),
    ]
    consumer = {
        "a": Outcome(stored=True),
        "b": Outcome(stored=False, reason="oversized"),
        "c": Outcome(stored=False, reason="wrong_type"),
        "d": Outcome(stored=False, reason="missing_field"),
    }
    verdicts = {"x": {"a": False, "b": True, "c": True, "d": False}}
    problems = disagreements(cases, consumer, verdicts)
    assert [problem.split(" ", 1)[0] for problem in problems] == ["a", "c", "c"]


def test_consumer_jsonschema_and_ajv_agree_on_the_corpus(
    corpus: list[Case], ajv_installed: None
) -> None:
    values = {case.case_id: case.value for case in corpus}
    validators = {
        "jsonschema": jsonschema_verdicts(values),
        "ajv": ajv_verdicts(corpus_lines(corpus)),
    }
    consumer = in_process(corpus)
    problems = disagreements(corpus, consumer, validators)
    report("consumer validation in process", corpus, consumer, len(problems))
    assert not problems, f"{len(problems)} disagreements:\n" + "\n".join(problems[:40])
    # Agreement alone would let the simulator drift along with the schema: its clean
    # events must also be valid.
    clean = [case for case in corpus if case.kind == "simulator" and case.note == "clean"]
    assert clean
    assert all(consumer[case.case_id].stored for case in clean)
    counts = Counter(
        f"{case.kind} {'valid' if consumer[case.case_id].stored else 'invalid'}" for case in corpus
    )
    assert len(corpus) >= 2_000
    assert all(counts[f"{kind} valid"] > 50 for kind in ("generated", "simulator", "mutation"))
    assert counts["mutation invalid"] > 1_000
    assert sum(case.limit is not None for case in corpus) > 100


@pytest.mark.parametrize(
    "value",
    [b'{"unit_price": 19.99}', b"\xff", b"[", b'"\\ud800"'],
)
def test_values_outside_the_schema_are_invalid_to_jsonschema(value: bytes) -> None:
    assert jsonschema_verdicts({"v": value}) == {"v": False}
