"""The Kafka Connect peer's pieces that need no worker: the JSON-with-schema envelope and
the connector's settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.consumer.compare import peer_section, ratios_by_run
from bench.peers.connect.envelope import event_schema, sentinel, wrap
from bench.peers.connect.worker import SinkJob, connector_properties, jdbc_url
from bench.peers.measurement import Measurement

EVENT = (
    b'{"schema_version":1,"event_id":"eab536cd-57da-496d-b26e-086d560abce6",'
    b'"occurred_at":"2026-12-02T06:05:02.700901Z","user_id":"u-6c973d89d2",'
    b'"session_id":"s-35c731cce8b0829c","device":"mobile",'
    b'"location":{"country":"IN","city":"Kanpur"},"event_type":"login"}'
)


def test_an_object_is_wrapped_with_its_bytes_kept() -> None:
    envelope = json.loads(wrap(EVENT))
    assert envelope["schema"] == event_schema()
    assert envelope["payload"] == json.loads(EVENT)


@pytest.mark.parametrize(
    "value", [EVENT[:-5], b'"login"', b"[1, 2]", b"42", b'{"city":"M\xfcnchen"}']
)
def test_what_is_not_a_json_object_is_copied_unchanged(value: bytes) -> None:
    assert wrap(value) is value


def test_the_sentinel_fills_every_required_field() -> None:
    envelope = json.loads(sentinel("00000000-0000-4000-8000-000000000001"))
    required = [f["field"] for f in envelope["schema"]["fields"] if not f.get("optional")]
    assert all(envelope["payload"].get(name) for name in required)
    assert envelope["payload"]["event_id"] == "00000000-0000-4000-8000-000000000001"


def test_the_connector_upserts_on_event_id_and_dead_letters_refusals(tmp_path: Path) -> None:
    job = SinkJob(
        bootstrap_servers="127.0.0.1:9092", topic="t", dlq_topic="t.dlq",
        database_url="host=127.0.0.1 port=5432 dbname=bench user=u password=p",
        table="events", workdir=tmp_path,
    )  # fmt: skip
    props = connector_properties(job)
    assert (props["insert.mode"], props["primary.key.fields"]) == ("upsert", "event_id")
    assert (props["errors.tolerance"], props["errors.deadletterqueue.topic.name"]) == (
        "all",
        "t.dlq",
    )
    url, user, password = jdbc_url(job.database_url)
    assert url.startswith("jdbc:postgresql://127.0.0.1:5432/bench?stringtype=unspecified")
    assert (user, password) == ("u", "p")


def _run(contender: str, run: int, seconds: float, *, complete: bool = True) -> Measurement:
    return Measurement(
        contender=contender, run=run, records=1000, seconds=seconds, cpu_s=1.0,
        peak_rss_bytes=0, broker_cpu_s=None, postgres_cpu_s=None, complete=complete,
    )  # fmt: skip


def test_pulse_is_compared_with_the_peer_run_by_run() -> None:
    runs = [
        *(_run("pulse", run, 1.0) for run in (1, 2, 3)),
        _run("peer", 1, 3.0),
        _run("peer", 2, 1.5),
        _run("peer", 3, 9.0, complete=False),  # an incomplete run is left out
    ]
    assert ratios_by_run(runs, "pulse", "peer") == [3.0, 1.5]
    section = "\n".join(peer_section(runs, ["pulse"], "peer"))
    # The target is 2.5x (issue 17): the median of 3.0x and 1.5x misses it.
    assert "| pulse | 2.25x | 2 | **FAIL** |" in section
    assert "target >= 2.5x" in section
    assert peer_section(runs, ["pulse"], "nobody") == []
