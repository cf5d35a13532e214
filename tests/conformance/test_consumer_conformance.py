"""The same corpus through the running consumer, on a real Kafka and PostgreSQL: each
record ends as a fact or a dead letter, and which one agrees with `jsonschema` and `ajv`
(except the documented limits a case was built to hit, with their reason)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from kafka import KafkaProducer

from tests.commands import unique_group
from tests.conformance.corpus import Case, corpus_lines
from tests.conformance.verdicts import (
    Outcome,
    ajv_verdicts,
    disagreements,
    jsonschema_verdicts,
    report,
)
from tests.integration import harness

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _produce(bootstrap: str, topic: str, cases: list[Case]) -> dict[tuple[int, int], str]:
    """Sends every case (keyed by its id); where each landed: (partition, offset) -> id."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    futures = [
        (case.case_id, producer.send(topic, key=case.case_id.encode(), value=case.value))
        for case in cases
    ]
    producer.flush(timeout=120)
    landed = {}
    for case_id, future in futures:
        metadata = future.get(timeout=60)
        landed[(metadata.partition, metadata.offset)] = case_id
    producer.close()
    return landed


def _outcomes(
    bootstrap: str, database_url: str, dlq: str, landed: dict[tuple[int, int], str]
) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("select source_partition, source_offset from events").fetchall()
    for partition, offset in rows:
        outcomes[landed[(partition, offset)]] = Outcome(stored=True)
    for letter in harness.read_whole_topic(bootstrap, dlq):
        headers = {key: value.decode() for key, value in letter.headers}
        origin = (int(headers["pulse.origin.partition"]), int(headers["pulse.origin.offset"]))
        case_id = landed[origin]
        assert case_id not in outcomes or not outcomes[case_id].stored, f"{case_id}: both"
        outcomes[case_id] = Outcome(stored=False, reason=headers["pulse.reason"])
    return outcomes


@pytest.fixture
def without_breaker(monkeypatch: pytest.MonkeyPatch) -> None:
    # The corpus is mostly invalid on purpose: the circuit breaker, which pauses on a
    # high dead-letter share, would only slow the consumer down here.
    monkeypatch.setenv("BREAKER_MAX_DEAD_LETTER_SHARE", "1")


@pytest.mark.usefixtures("ajv_installed", "without_breaker")
def test_the_running_consumer_agrees_with_jsonschema_and_ajv(
    corpus: list[Case],
    kafka_bootstrap: str,
    database_url: str,
    topic_factory: Callable[..., str],
    tmp_path: Path,
) -> None:
    topic, dlq = topic_factory("conformance", 3), topic_factory("conformance-dlq", 1)
    landed = _produce(kafka_bootstrap, topic, corpus)
    harness.run_consumer_to_idle(
        timeout=600,
        bootstrap=kafka_bootstrap,
        database_url=database_url,
        topic=topic,
        dlq_topic=dlq,
        group=unique_group(),
        log_dir=tmp_path,
    )
    consumer = _outcomes(kafka_bootstrap, database_url, dlq, landed)

    assert len(consumer) == len(corpus), "every record ends as a fact or a dead letter"
    validators = {
        "jsonschema": jsonschema_verdicts({case.case_id: case.value for case in corpus}),
        "ajv": ajv_verdicts(corpus_lines(corpus)),
    }
    problems = disagreements(corpus, consumer, validators)
    report("the running consumer on Kafka and PostgreSQL", corpus, consumer, len(problems))
    assert not problems, f"{len(problems)} disagreements:\n" + "\n".join(problems[:40])
    stored = sum(outcome.stored for outcome in consumer.values())
    assert 1_000 < stored < len(corpus) - 1_000
