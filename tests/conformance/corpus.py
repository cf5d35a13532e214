"""The conformance corpus: record values of three kinds, each sent to every validator.

- generated: events drawn from the JSON Schema itself (`schema_strategy`), with unknown
  properties mixed in; their event_id is made unique and their occurred_at moved into
  the time window (keeping its fraction and offset), since neither is the schema's to say.
- simulator: the traffic simulator's records, with its injected faults.
- mutation: `mutations`, every field of every event type broken in every way we know.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

from producer.app import ClockChoice, make_simulator
from producer.faults import FaultPlan
from producer.records import EXPECTED_REASON, Defect
from pulse.contract import RejectReason
from pulse.settings import Settings
from tests.conformance.mutations import encode, mutations
from tests.conformance.schema_strategy import from_schema
from tests.conformance.verdicts import load_schema

GENERATED = 600
SIMULATED = 700
SEED = 14


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    kind: str  # generated | simulator | mutation
    note: str
    value: bytes
    # A documented limit the schema cannot express, when the case is built to hit one:
    # then (and only then) the consumer may reject, with this reason, what the schema allows.
    limit: RejectReason | None = None


def build_corpus(now: datetime) -> list[Case]:
    rng = random.Random(SEED)
    max_bytes = Settings().max_event_bytes
    cases = [
        # The byte limit is judged on the bytes alone, whatever else the case was built for.
        replace(case, limit=RejectReason.OVERSIZED) if len(case.value) > max_bytes else case
        for case in (*_generated(now, rng), *_simulated(), *_mutated(now, rng))
    ]
    rng.shuffle(cases)  # mixed, as a real topic is, so no batch is all one kind
    return cases


def _generated(now: datetime, rng: random.Random) -> Iterator[Case]:
    events: list[dict[str, Any]] = []

    @settings(
        max_examples=GENERATED,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(from_schema(load_schema()))
    def collect(event: dict[str, Any]) -> None:
        events.append(event)

    collect()
    for index, event in enumerate(events):
        event["event_id"] = _fresh_uuid_like(event["event_id"])
        event["occurred_at"] = _into_window(event["occurred_at"], now, rng)
        yield Case(f"generated-{index:04d}", "generated", event["event_type"], encode(event, rng))


def _fresh_uuid_like(generated: str) -> str:
    # The same letter case as generated, a value no other case has (no duplicate facts).
    fresh = str(uuid.uuid4())
    return fresh.upper() if generated.isupper() else fresh


def _into_window(generated: str, now: datetime, rng: random.Random) -> str:
    """The same fraction and offset, at an instant within the last ten hours."""
    zone = "Z" if generated.endswith("Z") else generated[-6:]
    fraction = generated[19 : len(generated) - len(zone)]
    offset = timedelta(0)
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    moment = now - timedelta(seconds=rng.randrange(60, 36_000)) + offset
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone


def _simulated() -> Iterator[Case]:
    config = Settings()
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    plan = FaultPlan(defects=dict.fromkeys(Defect, 0.01))
    simulator = make_simulator(
        settings=config,
        clock=ClockChoice(live=False, start=start - timedelta(days=30), days=7.0),
        seed=SEED,
        population_seed=SEED,
        users=300,
        count=SIMULATED,
        rate=0.0,
        plan=plan,
        late_horizon=timedelta(days=config.late_horizon_days),
    )
    for index, record in enumerate(simulator.records(limit=SIMULATED)):
        if record.is_duplicate:
            continue
        limit = None
        if record.defect in (Defect.FUTURE_TIMESTAMP, Defect.OLD_TIMESTAMP, Defect.OVERSIZED):
            limit = EXPECTED_REASON[record.defect]
        note = f"defect {record.defect.value}" if record.defect else "clean"
        yield Case(f"simulator-{index:04d}", "simulator", note, record.value, limit)


def _mutated(now: datetime, rng: random.Random) -> Iterator[Case]:
    for index, (_, mutation) in enumerate(mutations(now, rng)):
        yield Case(
            f"mutation-{index:04d}", "mutation", mutation.note, mutation.value, mutation.limit
        )


def corpus_lines(cases: list[Case]) -> str:
    """The corpus as the JavaScript validator reads it: one JSON object per line."""
    return "".join(
        json.dumps({"id": c.case_id, "value_b64": base64.b64encode(c.value).decode()}) + "\n"
        for c in cases
    )
