"""Scenario 1: the consumer is SIGKILLed at random moments while the stream flows, and
restarted each time; the tables must equal those of an uninterrupted run."""

from __future__ import annotations

import random
import time
from functools import partial

from tests.chaos.context import ChaosContext
from tests.chaos.processes import start_consumer, start_producer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import FAULTS, finish, group, log_dir
from tests.integration.harness import fact_count

NAME = "crash loop"
PARTITIONS = 6


def _rate(profile: Profile) -> int:
    """Spread the stream over the kills: a restart after SIGKILL takes about 8 s (the
    6 s session timeout of the dead member, then the rebalance)."""
    return max(200, profile.crash_events // (profile.crash_kills * 8))


def _wait_for_progress(db: str, *, since: int, timeout_s: float) -> None:
    """Until this incarnation has committed something (so the kill lands mid-stream, not
    during start-up); gives up quietly once the stream has run dry."""
    deadline = time.monotonic() + timeout_s
    while fact_count(db) <= since and time.monotonic() < deadline:
        time.sleep(0.1)


def run(context: ChaosContext, profile: Profile, *, seed: int = 1) -> Outcome:
    started = time.monotonic()
    rng = random.Random(seed)
    logs = log_dir(context, "crash-loop")
    topic = context.topic("crash", PARTITIONS)
    dlq = context.topic("crash-dlq", 1)
    db = context.database()
    truth = logs / "truth.jsonl"
    consumer_group = group()
    producer = start_producer(
        bootstrap=context.bootstrap, topic=topic, partitions=PARTITIONS,
        count=profile.crash_events, seed=seed, truth=truth, log_dir=logs,
        rate=_rate(profile), faults=FAULTS,
    )  # fmt: skip
    outcome = Outcome(NAME, faults=f"{profile.crash_kills} x SIGKILL")
    spawn = partial(start_consumer, bootstrap=context.bootstrap, database_url=db, topic=topic,
                    dlq_topic=dlq, group=consumer_group, log_dir=logs)  # fmt: skip
    for _ in range(profile.crash_kills):
        consumer = spawn()
        _wait_for_progress(db, since=fact_count(db), timeout_s=30.0)
        time.sleep(rng.uniform(0.0, 1.5))
        consumer.kill()
    producer_code = producer.wait(timeout=900)
    outcome.check(producer_code == 0, f"producer exited {producer_code}")
    last = spawn(exit_when_idle_s=5.0)
    code = last.wait(timeout=900)
    outcome.check(code == 0, f"final consumer exited {code}")
    return finish(outcome, context, truth=truth, database_url=db, dlq_topic=dlq, logs=logs,
                  started=started)  # fmt: skip
