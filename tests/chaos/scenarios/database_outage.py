"""Scenario 2: PostgreSQL is stopped mid-stream and started again. The same consumer
process must report that it waits (pulse_waiting_for_dependency{service="postgresql"} = 1),
reconnect and catch up: no restart, nothing lost."""

from __future__ import annotations

import time

from tests.chaos.context import ChaosContext
from tests.chaos.processes import metric, start_consumer, start_producer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import FAULTS, finish, group, log_dir
from tests.chaos.services import postgres_down
from tests.integration.harness import fact_count

NAME = "database outage"
PARTITIONS = 6
_WAITING = ("pulse_waiting_for_dependency", 'service="postgresql"')


def run(context: ChaosContext, profile: Profile, *, seed: int = 2) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "db-outage")
    topic = context.topic("outage", PARTITIONS)
    dlq = context.topic("outage-dlq", 1)
    db = context.database()
    truth = logs / "truth.jsonl"
    # The stream lasts about three outages, so records keep arriving while it is down.
    rate = max(200, int(profile.outage_events / (3 * profile.outage_s)))
    producer = start_producer(
        bootstrap=context.bootstrap, topic=topic, partitions=PARTITIONS,
        count=profile.outage_events, seed=seed, truth=truth, log_dir=logs,
        rate=rate, faults=FAULTS,
    )  # fmt: skip
    outcome = Outcome(NAME, faults=f"PostgreSQL down {profile.outage_s:.0f} s")
    consumer = start_consumer(
        bootstrap=context.bootstrap, database_url=db, topic=topic, dlq_topic=dlq,
        group=group(), log_dir=logs, exit_when_idle_s=5.0,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while fact_count(db) < profile.outage_events // 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    before = fact_count(db)
    waited = False
    with postgres_down(context.admin_database_url):
        outage_end = time.monotonic() + profile.outage_s
        while time.monotonic() < outage_end:
            waited = waited or metric(consumer, *_WAITING) == 1.0
            time.sleep(0.2)
        alive_during_outage = consumer.process.poll() is None
    outcome.check(before > 0, "the consumer stored nothing before the outage")
    outcome.check(waited, "pulse_waiting_for_dependency{service=postgresql} never showed 1")
    outcome.check(alive_during_outage, "the consumer exited during the outage")
    producer_code = producer.wait(timeout=900)
    outcome.check(producer_code == 0, f"producer exited {producer_code}")
    code = consumer.wait(timeout=900)
    outcome.check(code == 0, f"the consumer exited {code} instead of catching up")
    outcome.check(
        metric(consumer, *_WAITING) in (None, 0.0), "still waiting for PostgreSQL at the end"
    )
    return finish(outcome, context, truth=truth, database_url=db, dlq_topic=dlq, logs=logs,
                  started=started)  # fmt: skip
