"""Scenario 7: a steady stream for a long while (30 minutes in `make chaos`) with one
consumer. Its resident memory, open file descriptors and PostgreSQL connections are
sampled every few seconds and must stay flat after the warm-up (the rule is in
tests/chaos/resources.py); the end state is checked like every other scenario's."""

from __future__ import annotations

import time

from tests.chaos.context import ChaosContext
from tests.chaos.processes import start_consumer, start_producer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.resources import ResourceSampler, flatness_problems, summary
from tests.chaos.scenarios.common import FAULTS, finish, group, log_dir

NAME = "long run"
PARTITIONS = 6
# About 30 samples in a short run, one every 5 s in a long one.
MAX_SAMPLE_EVERY_S = 5.0
SAMPLES_WANTED = 30


def sample_every_s(duration_s: float) -> float:
    return min(MAX_SAMPLE_EVERY_S, max(1.0, duration_s / SAMPLES_WANTED))


def run(context: ChaosContext, profile: Profile, *, seed: int = 7) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "long-run")
    topic = context.topic("long", PARTITIONS)
    dlq = context.topic("long-dlq", 1)
    db = context.database()
    truth = logs / "truth.jsonl"
    count = int(profile.long_run_rate * profile.long_run_s)
    producer = start_producer(
        bootstrap=context.bootstrap, topic=topic, partitions=PARTITIONS, count=count,
        seed=seed, truth=truth, log_dir=logs, rate=profile.long_run_rate, faults=FAULTS,
    )  # fmt: skip
    consumer = start_consumer(
        bootstrap=context.bootstrap, database_url=db, topic=topic, dlq_topic=dlq,
        group=group(), log_dir=logs, exit_when_idle_s=5.0,
    )  # fmt: skip
    outcome = Outcome(
        NAME, faults=f"none: {profile.long_run_s / 60:.0f} min at {profile.long_run_rate:,}/s"
    )
    sampler = ResourceSampler(consumer.process.pid, db, context.admin_database_url)
    every_s = sample_every_s(profile.long_run_s)
    # Sampled while the stream flows: the steady state, not the producer's final flush
    # or the consumer's idle exit.
    stream_end = time.monotonic() + profile.long_run_s
    while (
        time.monotonic() < stream_end
        and producer.poll() is None
        and consumer.process.poll() is None
    ):
        try:
            sampler.sample()
        except (FileNotFoundError, ProcessLookupError):
            break  # the consumer exited between the check and the sample
        time.sleep(every_s)
    outcome.check(consumer.process.poll() is None, "the consumer exited during the stream")
    producer_code = producer.wait(timeout=600)
    outcome.check(producer_code == 0, f"producer exited {producer_code}")
    code = consumer.wait(timeout=900)
    outcome.check(code == 0, f"the consumer exited {code}")
    outcome.notes.append(summary(sampler.samples))
    for problem in flatness_problems(sampler.samples):
        outcome.check(False, problem)
    (logs / "samples.csv").write_text(
        "at_s,rss_bytes,fds,connections\n"
        + "".join(f"{s.at_s:.1f},{s.rss_bytes},{s.fds},{s.connections}\n" for s in sampler.samples),
        encoding="utf-8",
    )
    return finish(outcome, context, truth=truth, database_url=db, dlq_topic=dlq, logs=logs,
                  started=started)  # fmt: skip
