"""Issue 13's poison corpus from real clients: the official Java producer and librdkafka
send every record shape that once stopped Pulse, in every codec, plain and inside
committed and aborted transactions, interleaved with valid events. The real consumer
reads it to idle once per (client, codec); each test names one promise about that run."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka.admin import KafkaAdminClient, NewTopic

from tests.databases import scratch_database
from tests.integration import harness
from tests.poison import verdict
from tests.poison.corpus import Corpus, build
from tests.poison.dlq_reader import Letter, end_offsets, read_letters
from tests.poison.produce import CODECS, Client, send_corpus
from tests.poison.spec import Fate, Run
from tests.poison.topics import allow_large_records

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PARTITIONS = 3
IDLE_BOUND_S = 120.0  # from start to exit, --exit-when-idle 3 s included
SEED = 13


@dataclass(frozen=True)
class World:
    corpus: Corpus
    run: Run
    topic: str
    database_url: str
    ends: dict[int, int]
    letters: list[Letter]
    exit_code: int | None  # None: still running after IDLE_BOUND_S (then killed)
    log: str


def _consume(kafka: str, db: str, topic: str, dlq: str, log_dir: Path) -> tuple[int | None, str]:
    consumer = harness.start_consumer(
        bootstrap=kafka, database_url=db, topic=topic, dlq_topic=dlq,
        group=f"poison-{uuid.uuid4().hex[:8]}", log_dir=log_dir, exit_when_idle_s=3.0,
    )  # fmt: skip
    try:
        code: int | None = consumer.process.wait(timeout=IDLE_BOUND_S)
    except subprocess.TimeoutExpired:
        consumer.kill()
        code = None
    return code, consumer.log()


@pytest.fixture(
    scope="module",
    params=[(client, codec) for client in Client for codec in CODECS],
    ids=lambda p: f"{p[0].value}-{p[1]}",
)
def world(
    request: pytest.FixtureRequest,
    kafka_bootstrap: str,
    admin_database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """One client's corpus in one codec, consumed to idle by the real consumer."""
    client, codec = request.param
    suffix = uuid.uuid4().hex[:12]
    topic, dlq = f"poison.{suffix}", f"poison-dlq.{suffix}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    admin.create_topics([NewTopic(topic, PARTITIONS, 1), NewTopic(dlq, 1, 1)])
    work = tmp_path_factory.mktemp(f"poison-{client.value}-{codec}")
    try:
        allow_large_records(kafka_bootstrap, topic)
        corpus = build(SEED, partitions=PARTITIONS)
        run = send_corpus(
            client, corpus, bootstrap=kafka_bootstrap, topic=topic, codec=codec, work_dir=work
        )
        with scratch_database(admin_database_url) as db:
            code, log = _consume(kafka_bootstrap, db, topic, dlq, work)
            yield World(
                corpus, run, topic, db, end_offsets(kafka_bootstrap, topic),
                read_letters(kafka_bootstrap, dlq), code, log,
            )  # fmt: skip
    finally:
        admin.delete_topics([topic, dlq])
        admin.close()


def _no_problems(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_consumer_reaches_idle_and_exits_cleanly(world: World) -> None:
    assert world.exit_code is not None, (
        f"consumer not idle after {IDLE_BOUND_S:.0f} s; log tail:\n{world.log[-3000:]}"
    )
    assert world.exit_code == 0, f"consumer exited {world.exit_code}:\n{world.log[-3000:]}"
    assert "Traceback" not in world.log, world.log[-3000:]


def test_every_valid_event_is_stored_once_and_no_aborted_one(world: World) -> None:
    _no_problems(verdict.check_facts(world.run, world.database_url))


def test_every_invalid_record_is_a_dead_letter_with_its_reason_and_headers(world: World) -> None:
    _no_problems(
        verdict.check_dead_letters(world.run, world.letters, topic=world.topic, exactly_once=True)
    )


def test_no_record_of_an_aborted_transaction_is_dead_lettered(world: World) -> None:
    aborted = {(s.partition, s.offset) for s in world.run.sent if s.record.fate is Fate.ABORTED}
    origins = {
        (int(x.header("pulse.origin.partition") or -1), int(x.header("pulse.origin.offset") or -1))
        for x in world.letters
    }
    assert not aborted & origins, sorted(aborted & origins)


def test_absurd_upsells_are_stored_with_no_amount(world: World) -> None:
    _no_problems(verdict.check_support_calls(world.corpus.absurd_upsell_ids, world.database_url))


def test_ledger_explains_every_offset(world: World) -> None:
    _no_problems(
        verdict.check_ledger(world.run, world.database_url, topic=world.topic, ends=world.ends)
    )


def test_corpus_holds_every_shape(world: World) -> None:
    """The corpus itself: each shape was acknowledged plain, committed and aborted."""
    reasons = {s.record.reason for s in world.run.sent if s.record.fate is Fate.DEAD}
    assert {
        "undecodable", "malformed_json", "unknown_event_type", "wrong_type", "oversized",
        "timestamp_in_future", "timestamp_too_old",
    } <= reasons  # fmt: skip
    modes = {(s.mode.value, s.record.fate) for s in world.run.sent}
    assert {("none", Fate.DEAD), ("commit", Fate.DEAD), ("abort", Fate.ABORTED)} <= modes
    assert len(world.run.markers) >= 2 * PARTITIONS
