"""Scenario 8: a 3-broker KRaft cluster (replication factor 3, min.insync.replicas 2); the
broker leading the most partitions is SIGKILLed mid-stream, stays down a while, then comes
back. The producer (acks=all) and the one consumer ride through it: nothing acknowledged
is lost, and the restarted broker catches up until every replica is in sync again."""

from __future__ import annotations

import dataclasses
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from stack.kafka.cluster import REPLICATION_FACTOR, Cluster, running_cluster
from tests.chaos.context import ChaosContext
from tests.chaos.processes import start_consumer, start_producer, wait_until
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import FAULTS, finish, group, log_dir
from tests.integration.harness import fact_count, offsets

NAME = "multi-broker"
PARTITIONS = 6


def _rate(profile: Profile) -> int:
    """The stream outlasts the outage about three times over, so records flow before the
    kill, while a broker is missing, and after it is back."""
    return max(200, int(profile.cluster_events / (3 * profile.cluster_down_s)))


def _busiest_leader(cluster: Cluster, topic: str) -> tuple[int, int]:
    """(broker id, partitions it leads) for the broker leading the most partitions."""
    leaders = Counter(p.leader for p in cluster.partitions(topic))
    return leaders.most_common(1)[0]


def _failed_over(cluster: Cluster, topic: str, dead: int) -> bool:
    """The dead broker leads nothing and is out of every ISR: the controller noticed."""
    return all(p.leader != dead and dead not in p.in_sync for p in cluster.partitions(topic))


def _eventually(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """True once predicate holds within timeout_s. A metadata request that lands on the
    dead broker fails; that is "not yet", not a failed scenario."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except KafkaError:
            pass
        time.sleep(0.5)
    return False


def _fully_replicated(cluster: Cluster, topic: str) -> bool:
    return all(len(p.in_sync) == REPLICATION_FACTOR for p in cluster.partitions(topic))


def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    try:
        ends = consumer.end_offsets([TopicPartition(topic, p) for p in range(PARTITIONS)])
    finally:
        consumer.close()
    return {tp.partition: int(offset) for tp, offset in ends.items()}


def _caught_up(database_url: str, ends: dict[int, int]) -> bool:
    """True when PostgreSQL's stored next offsets reach the end of every partition."""
    stored = {int(row[0]): int(row[2]) for row in offsets(database_url)}
    return all(stored.get(p, 0) >= end for p, end in ends.items() if end > 0)


def _kill_if_running(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


def run(context: ChaosContext, profile: Profile, *, seed: int = 8) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "multi-broker")
    outcome = Outcome(NAME)
    with running_cluster() as cluster, ExitStack() as running:
        suffix = uuid.uuid4().hex[:10]
        topic, dlq = f"chaos.multi.{suffix}", f"chaos.multi-dlq.{suffix}"
        cluster.create_topic(topic, PARTITIONS)
        cluster.create_topic(dlq, 1)
        outcome.check(
            all(len(p.replicas) == REPLICATION_FACTOR for p in cluster.partitions(topic)),
            f"the topic is not on all {REPLICATION_FACTOR} brokers",
        )
        db = context.database()
        truth = logs / "truth.jsonl"
        events = profile.cluster_events
        producer = start_producer(
            bootstrap=cluster.bootstrap, topic=topic, partitions=PARTITIONS, count=events,
            seed=seed, truth=truth, log_dir=logs, rate=_rate(profile), faults=FAULTS,
        )  # fmt: skip
        consumer = start_consumer(
            bootstrap=cluster.bootstrap, database_url=db, topic=topic, dlq_topic=dlq,
            group=group(), log_dir=logs,
        )  # fmt: skip
        # Should the scenario fail half-way, neither client outlives the cluster.
        running.callback(_kill_if_running, producer)
        running.callback(_kill_if_running, consumer.process)
        wait_until(lambda: fact_count(db) >= events // 5, 120, "the first fifth of the stream")

        victim, led = _busiest_leader(cluster, topic)
        cluster.kill(victim)
        down_s = profile.cluster_down_s
        outcome.faults = f"SIGKILL 1 of 3 brokers (leader of {led}/{PARTITIONS}), {down_s:.0f} s"
        # The controller fences the dead broker after broker.session.timeout.ms (6 s);
        # from then on the cluster runs on two brokers for down_s, and must keep storing.
        outcome.check(
            _eventually(lambda: _failed_over(cluster, topic, victim), 30),
            f"broker {victim} still leads a partition or counts as in sync",
        )
        at_failover = fact_count(db)
        time.sleep(down_s)
        outcome.check(
            fact_count(db) > at_failover, f"nothing stored in {down_s:.0f} s on 2 brokers"
        )
        outcome.check(
            consumer.process.poll() is None, "the consumer exited while a broker was down"
        )
        cluster.start(victim)
        cluster.wait_for_brokers()

        producer_code = producer.wait(timeout=900)
        outcome.check(producer_code == 0, f"producer exited {producer_code} (records unacked?)")
        ends = _end_offsets(cluster.bootstrap, topic)
        wait_until(lambda: _caught_up(db, ends), 600, "the consumer to reach the topic's end")
        consumer.terminate()
        code = consumer.wait(timeout=60)
        outcome.check(code == 0, f"the consumer exited {code} on SIGTERM")
        outcome.check(
            _eventually(lambda: _fully_replicated(cluster, topic), 120),
            f"broker {victim} did not catch up: some partition has fewer than 3 in-sync replicas",
        )
        on_cluster = dataclasses.replace(context, bootstrap=cluster.bootstrap)
        return finish(outcome, on_cluster, truth=truth, database_url=db, dlq_topic=dlq,
                      logs=logs, started=started)  # fmt: skip
