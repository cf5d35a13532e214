"""Scenario 4: three consumers in one group on a 12-partition topic while the stream
flows; one joins late, one leaves gracefully (SIGTERM), one is SIGKILLed. The result must
equal a single consumer's run over the same topic into a fresh database, table by table."""

from __future__ import annotations

import time
from functools import partial

from tests.chaos.compare import differing_tables
from tests.chaos.context import ChaosContext
from tests.chaos.processes import start_consumer, start_producer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import FAULTS, finish, group, log_dir
from tests.integration.harness import fact_count

NAME = "scale-out"
PARTITIONS = 12


def _wait_for_facts(db: str, at_least: int, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while fact_count(db) < at_least and time.monotonic() < deadline:
        time.sleep(0.2)


def run(context: ChaosContext, profile: Profile, *, seed: int = 4) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "scale-out")
    topic = context.topic("scale", PARTITIONS)
    dlq = context.topic("scale-dlq", 1)
    db = context.database()
    truth = logs / "truth.jsonl"
    events = profile.scale_events
    # About 30 s of stream, so that every membership change happens while it flows.
    producer = start_producer(
        bootstrap=context.bootstrap, topic=topic, partitions=PARTITIONS, count=events,
        seed=seed, truth=truth, log_dir=logs, rate=max(200, events // 30), faults=FAULTS,
    )  # fmt: skip
    outcome = Outcome(NAME, faults="1 late join, 1 SIGTERM, 1 SIGKILL")
    spawn = partial(start_consumer, bootstrap=context.bootstrap, database_url=db, topic=topic,
                    dlq_topic=dlq, group=group(), log_dir=logs)  # fmt: skip
    leaving = spawn()
    killed = spawn()
    _wait_for_facts(db, events // 5)
    late = spawn(exit_when_idle_s=6.0)
    _wait_for_facts(db, events * 2 // 5)
    leaving.terminate()
    outcome.check(leaving.wait(timeout=60) == 0, "the SIGTERMed consumer did not exit 0")
    _wait_for_facts(db, events * 3 // 5)
    killed.kill()
    producer_code = producer.wait(timeout=900)
    outcome.check(producer_code == 0, f"producer exited {producer_code}")
    code = late.wait(timeout=900)
    outcome.check(code == 0, f"the last consumer exited {code}")
    finish(outcome, context, truth=truth, database_url=db, dlq_topic=dlq, logs=logs,
           started=started)  # fmt: skip

    # The reference: one consumer, no faults, a fresh database and group, same topic.
    reference_db = context.database()
    reference = spawn(
        database_url=reference_db,
        group=group(),
        dlq_topic=context.topic("scale-ref-dlq", 1),
        exit_when_idle_s=3.0,
    )
    outcome.check(reference.wait(timeout=900) == 0, "the reference consumer failed")
    differ = differing_tables(db, reference_db)
    outcome.check(not differ, f"differs from a single-consumer run: {', '.join(differ)}")
    outcome.seconds = time.monotonic() - started
    return outcome
