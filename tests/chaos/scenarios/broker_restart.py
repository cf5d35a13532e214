"""Scenario 3: the Kafka broker is stopped mid-stream and started again while the producer
keeps producing and the consumer keeps running. Neither is restarted: both must wait
(and say so), reconnect and finish, with nothing lost and nothing counted twice."""

from __future__ import annotations

import time

from tests.chaos.context import ChaosContext
from tests.chaos.processes import metric, start_consumer, start_producer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import FAULTS, finish, group, log_dir
from tests.chaos.services import kafka_down
from tests.integration.harness import fact_count

NAME = "broker restart"
PARTITIONS = 6
_WAITING = ("pulse_waiting_for_dependency", 'service="kafka"')
# What the consumer and the producer log while the broker is away.
CONSUMER_WAITING_LOG = "kafka unavailable, waiting for the broker"
PRODUCER_WAITING_LOG = "Kafka has not acknowledged"
NOTICE_WITHIN_S = 20.0


def run(context: ChaosContext, profile: Profile, *, seed: int = 3) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "broker-restart")
    topic = context.topic("broker", PARTITIONS)
    dlq = context.topic("broker-dlq", 1)
    db = context.database()
    truth = logs / "truth.jsonl"
    producer = start_producer(
        bootstrap=context.bootstrap, topic=topic, partitions=PARTITIONS,
        count=profile.broker_events, seed=seed, truth=truth, log_dir=logs,
        rate=profile.stream_rate, faults=FAULTS,
    )  # fmt: skip
    outcome = Outcome(NAME)
    consumer = start_consumer(
        bootstrap=context.bootstrap, database_url=db, topic=topic, dlq_topic=dlq,
        group=group(), log_dir=logs, exit_when_idle_s=5.0,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while fact_count(db) < profile.broker_events // 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    before = fact_count(db)
    waited = False
    stopping = time.monotonic()
    with kafka_down():
        # Down for broker_down_s, and at least until the consumer says it waits (its probe
        # needs two silent ones, about 4 s), within a bound.
        outage_end = time.monotonic() + profile.broker_down_s
        give_up = outage_end + NOTICE_WITHIN_S
        while time.monotonic() < outage_end or (not waited and time.monotonic() < give_up):
            waited = waited or metric(consumer, *_WAITING) == 1.0
            time.sleep(0.2)
        producer_alive = producer.poll() is None
        consumer_alive = consumer.process.poll() is None
    # From the stop request until the restarted broker answered metadata again.
    outcome.faults = f"1 broker stop, {time.monotonic() - stopping:.0f} s without Kafka"
    outcome.check(before > 0, "the consumer stored nothing before the broker stopped")
    outcome.check(producer_alive, "the producer exited while the broker was down")
    outcome.check(consumer_alive, "the consumer exited while the broker was down")
    outcome.check(waited, "pulse_waiting_for_dependency{service=kafka} never showed 1")
    producer_code = producer.wait(timeout=900)
    outcome.check(producer_code == 0, f"producer exited {producer_code}")
    code = consumer.wait(timeout=900)
    outcome.check(code == 0, f"the consumer exited {code} instead of catching up")
    outcome.check(CONSUMER_WAITING_LOG in consumer.log(), "the consumer never logged the wait")
    producer_log = (logs / f"producer-{topic}.log").read_text(errors="replace")
    outcome.check(PRODUCER_WAITING_LOG in producer_log, "the producer never logged the wait")
    finish(outcome, context, truth=truth, database_url=db, dlq_topic=dlq, logs=logs,
           started=started)  # fmt: skip
    outcome.check(
        outcome.events == profile.broker_events,
        f"the broker acknowledged {outcome.events:,} of {profile.broker_events:,} records",
    )
    return outcome
