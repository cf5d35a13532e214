"""Each validator's verdict on each case, and the disagreements between them.

A verdict is valid or invalid; the consumer's also carries its dead-letter reason. Bytes
that are not strict UTF-8 JSON are invalid to the schema validators, as to the consumer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from pulse.schema_export import SCHEMA_PATH

JS_DIR = Path(__file__).resolve().parent / "js"
# One line per conformance run, printed at the end of the pytest session (conftest).
REPORT: list[str] = []


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the consumer did with a record: stored it, or dead-lettered it for `reason`."""

    stored: bool
    reason: str | None = None


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def python_validator() -> Draft202012Validator:
    """`jsonschema`, Draft 2020-12, checking formats; fails when a format check is absent
    (`date-time` needs rfc3339-validator installed, or jsonschema silently skips it)."""
    checker = Draft202012Validator.FORMAT_CHECKER
    missing = {"date-time", "uuid"} - set(checker.checkers)
    assert not missing, f"jsonschema cannot check {missing}: install the dev extras"
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=checker)


def _strict_json(value: bytes) -> Any:
    return json.loads(value.decode("utf-8"), parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def jsonschema_verdicts(values: Mapping[str, bytes]) -> dict[str, bool]:
    validator = python_validator()
    verdicts: dict[str, bool] = {}
    for case_id, value in values.items():
        try:
            document = _strict_json(value)
        except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            verdicts[case_id] = False
            continue
        verdicts[case_id] = validator.is_valid(document)
    return verdicts


def ajv_verdicts(corpus_jsonl: str) -> dict[str, bool]:
    """ajv (strict, Draft 2020-12, ajv-formats) in Node.js, on the same bytes."""
    node = shutil.which("node")
    assert node, "Node.js is missing: install it (https://nodejs.org) for the ajv check"
    result = subprocess.run(
        [node, str(JS_DIR / "validate.mjs"), str(SCHEMA_PATH)],
        input=corpus_jsonl,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"ajv failed ({result.returncode}): {result.stderr}"
    lines = [json.loads(line) for line in result.stdout.splitlines() if line]
    return {line["id"]: bool(line["valid"]) for line in lines}


def disagreements(
    cases: Sequence[Any],
    consumer: Mapping[str, Outcome],
    validators: Mapping[str, Mapping[str, bool]],
) -> list[str]:
    """Every case where a validator and the consumer differ, except a documented limit
    the case was built to hit; and every such case whose limit did not apply."""
    problems: list[str] = []
    for case in cases:
        outcome = consumer.get(case.case_id)
        if outcome is None:
            problems.append(f"{case.case_id} ({case.note}): no outcome from the consumer")
            continue
        if case.limit is not None and not _hit_its_limit(case, outcome):
            problems.append(
                f"{case.case_id} ({case.note}): built to hit the documented limit "
                f"{case.limit.value}, but the consumer {_said(outcome)}"
            )
        for name, verdicts in validators.items():
            valid = verdicts.get(case.case_id)
            if valid is None:
                problems.append(f"{case.case_id}: no verdict from {name}")
            elif valid != outcome.stored and not (valid and _hit_its_limit(case, outcome)):
                problems.append(
                    f"{case.case_id} ({case.note}): {name} says "
                    f"{'valid' if valid else 'invalid'}, the consumer {_said(outcome)}"
                )
    return problems


def _hit_its_limit(case: Any, outcome: Outcome) -> bool:
    return case.limit is not None and outcome.reason == case.limit.value


def _said(outcome: Outcome) -> str:
    return "stored it" if outcome.stored else f"rejected it ({outcome.reason})"


def report(where: str, cases: Sequence[Any], consumer: Mapping[str, Outcome], problems: int) -> str:
    """One line: how many cases of each kind, how the consumer judged them, disagreements."""
    kinds = Counter(case.kind for case in cases)
    stored = sum(outcome.stored for outcome in consumer.values())
    limits = sum(case.limit is not None for case in cases)
    by_kind = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    line = (
        f"{where}: {len(cases)} events ({by_kind}); "
        f"{stored} valid, {len(cases) - stored} invalid ({limits} at a documented limit); "
        f"consumer vs jsonschema vs ajv (strict): {problems} disagreements"
    )
    REPORT.append(line)
    return line
