"""Scenario: issue 13's poison corpus (tests/poison) from the Java producer and librdkafka,
every codec, plain, committed and aborted, produced while the consumer is SIGKILLed and
restarted again and again. The tables must equal a run without crashes; every invalid
record is dead-lettered (at least once: a kill between the dead-letter flush and the
commit re-sends it) with its reason; nothing of an aborted transaction is stored; the
ledger explains every offset of every partition."""

from __future__ import annotations

import random
import threading
import time
from functools import partial
from pathlib import Path

import psycopg

from tests.chaos.compare import differing_tables
from tests.chaos.context import ChaosContext
from tests.chaos.processes import start_consumer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import group, log_dir
from tests.chaos.verdict import reconcile_exit_code
from tests.integration.harness import ConsumerProcess, fact_count
from tests.poison import verdict
from tests.poison.corpus import build
from tests.poison.dlq_reader import end_offsets, read_letters
from tests.poison.kill_window import DeadLetterWindow
from tests.poison.produce import CODECS, Client, send_corpus
from tests.poison.spec import Run
from tests.poison.topics import allow_large_records

NAME = "poison crash"
PARTITIONS = 3
ROUNDS = {"short": 5, "long": 20}  # one corpus per round: clients and codecs alternate
PAUSE_S = 1.0  # between rounds, so that kills land while the stream flows
IDLE_TIMEOUT_S = 600.0
WINDOW_WAIT_S = 20.0  # how long an aimed kill waits for a batch with dead letters
MAX_PROBLEMS = 30  # listed in the table; the rest are counted


class _Producer(threading.Thread):
    """Sends the rounds in the background; `run_` holds what landed where."""

    def __init__(self, context: ChaosContext, topic: str, rounds: int, work: Path) -> None:
        super().__init__(name="poison-producer", daemon=True)
        self._context, self._topic, self._rounds, self._work = context, topic, rounds, work
        self.run_ = Run()
        self.absurd_upsell_ids: set[str] = set()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for i in range(self._rounds):
                corpus = build(1000 + i, partitions=PARTITIONS)
                client = (Client.JAVA, Client.LIBRDKAFKA)[i % 2]
                sent = send_corpus(
                    client, corpus, bootstrap=self._context.bootstrap, topic=self._topic,
                    codec=CODECS[i % len(CODECS)], work_dir=self._work,
                )  # fmt: skip
                self.run_.sent.extend(sent.sent)
                self.run_.markers.extend(sent.markers)
                self.absurd_upsell_ids |= corpus.absurd_upsell_ids
                time.sleep(PAUSE_S)
        except BaseException as exc:  # reported by the scenario, not lost in the thread
            self.error = exc


def _wait_for_progress(db: str, since: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while fact_count(db) <= since and time.monotonic() < deadline:
        time.sleep(0.1)


def _ledger_totals(outcome: Outcome, db: str, topic: str) -> None:
    with psycopg.connect(db) as conn:
        row = conn.execute(
            "select coalesce(sum(facts_stored), 0), coalesce(sum(duplicates), 0),"
            " coalesce(sum(dead_lettered), 0) from partition_offsets where topic = %s",
            (topic,),
        ).fetchone()
    if row is not None:
        outcome.facts, outcome.duplicates, outcome.dead_letters = (int(x) for x in row)


def run(context: ChaosContext, profile: Profile, *, seed: int = 13) -> Outcome:
    started = time.monotonic()
    rng = random.Random(seed)
    logs = log_dir(context, "poison-crash")
    topic = context.topic("poison", PARTITIONS)
    allow_large_records(context.bootstrap, topic)
    dlq = context.topic("poison-dlq", 1)
    db = context.database()
    outcome = Outcome(NAME, faults=f"{profile.crash_kills} x SIGKILL, poison from 2 clients")
    spawn = partial(start_consumer, bootstrap=context.bootstrap, topic=topic, log_dir=logs)
    producer = _Producer(context, topic, ROUNDS.get(profile.name, ROUNDS["short"]), logs)
    producer.start()
    consumers: list[ConsumerProcess] = []
    crashy_group = group()
    window = DeadLetterWindow(
        bootstrap=context.bootstrap, dlq_topic=dlq, database_url=db, topic=topic
    )
    in_window = 0
    for kill in range(profile.crash_kills):
        consumer = spawn(database_url=db, dlq_topic=dlq, group=crashy_group)
        consumers.append(consumer)
        if kill % 2:
            # Every other kill aims between the dead-letter acknowledgement and the commit.
            in_window += window.wait_for_open(timeout_s=WINDOW_WAIT_S)
        else:
            _wait_for_progress(db, since=fact_count(db), timeout_s=30.0)
            time.sleep(rng.uniform(0.0, 1.5))
        consumer.kill()
    window.close()
    outcome.notes.append(
        f"{in_window} aimed kills saw dead letters acknowledged and not yet committed"
    )
    producer.join(timeout=900)
    outcome.check(producer.error is None, f"the poison producer failed: {producer.error!r}")
    outcome.events = len(producer.run_.sent)
    last = spawn(database_url=db, dlq_topic=dlq, group=crashy_group, exit_when_idle_s=5.0)
    consumers.append(last)
    outcome.check(_exit_code(last) == 0, f"the last consumer did not exit 0: {last.log_path}")

    # The reference: no crashes, a fresh database, group and dead-letter topic.
    reference_db = context.database()
    reference = spawn(
        database_url=reference_db, dlq_topic=context.topic("poison-ref-dlq", 1), group=group(),
        exit_when_idle_s=5.0,
    )  # fmt: skip
    consumers.append(reference)
    outcome.check(
        _exit_code(reference) == 0, f"the reference consumer failed: {reference.log_path}"
    )
    differ = differing_tables(db, reference_db)
    outcome.check(not differ, f"differs from a run without crashes: {', '.join(differ)}")

    run_ = producer.run_
    ends = end_offsets(context.bootstrap, topic)
    letters = read_letters(context.bootstrap, dlq)
    origins = {
        (x.header("pulse.origin.partition"), x.header("pulse.origin.offset")) for x in letters
    }
    outcome.notes.append(
        f"{len(letters)} dead letters for {len(origins)} records: "
        f"{len(letters) - len(origins)} re-sent after a kill"
    )
    problems = [
        *verdict.check_facts(run_, db),
        *verdict.check_dead_letters(run_, letters, topic=topic, exactly_once=False),
        *verdict.check_support_calls(producer.absurd_upsell_ids, db),
        *verdict.check_ledger(run_, db, topic=topic, ends=ends),
    ]
    for problem in problems[:MAX_PROBLEMS]:
        outcome.check(False, problem)
    if len(problems) > MAX_PROBLEMS:
        outcome.problems.append(f"... and {len(problems) - MAX_PROBLEMS} more problems")
    tracebacks = [c.log_path.name for c in consumers if "Traceback" in c.log()]
    outcome.check(not tracebacks, f"tracebacks in {', '.join(tracebacks)}")
    code = reconcile_exit_code(context.bootstrap, db, logs)
    outcome.check(code == 0, f"`consumer reconcile` exited {code}")
    _ledger_totals(outcome, db, topic)
    outcome.seconds = time.monotonic() - started
    if not outcome.passed:
        outcome.problems.append(f"logs in {logs}")
    return outcome


def _exit_code(consumer: ConsumerProcess) -> int | None:
    try:
        return consumer.wait(timeout=IDLE_TIMEOUT_S)
    except AssertionError:  # still running: killed by wait(), its log tail in the message
        return None
