"""The poison corpus: every record shape of issue 13, interleaved with valid events, as
groups that run plain, inside a committed transaction and inside an aborted one."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.integration.harness import valid_event
from tests.poison.spec import Fate, Group, Header, Mode, PoisonRecord

# Close to the clients' 1 MiB default max.request.size: the record itself lands (the
# producers and the topic allow 2 MiB), its dead letter plus pulse.* headers does not
# fit the dead-letter producer's 1 MiB request.
OVERSIZED_BYTES = 1_048_576 - 256
ABSURD_UPSELLS = ("$999999999999999999999999999", "$99999999999")
BINARY = bytes(range(256))
NON_UTF8_KEYS = (b"\xff\xfe-origin", b"trace-\xc3\x28")


@dataclass(frozen=True)
class Corpus:
    groups: tuple[Group, ...]  # for the Java or librdkafka client, in order
    raw_key_records: tuple[PoisonRecord, ...]  # non-UTF-8 header keys (kafka-python)
    absurd_upsell_ids: frozenset[str]


def _json(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()


def _valid(rng: random.Random, tag: str, label: str, **changes: Any) -> PoisonRecord:
    event = valid_event(rng, user=f"{tag}-{rng.randrange(1_000_000)}") | changes
    return PoisonRecord(
        label, event["user_id"].encode(), _json(event), Fate.STORED, event_id=event["event_id"]
    )


def _dead(label: str, key: bytes | None, value: bytes | None, reason: str) -> PoisonRecord:
    return PoisonRecord(label, key, value, Fate.DEAD, reason)


def support_call(rng: random.Random, tag: str, upsell: str) -> PoisonRecord:
    """A valid support call whose agent offers an add-on at `upsell` and the customer
    accepts: the rules detect the amount, which no money column can hold."""
    transcript = (
        "Agent: Thanks for calling, how can I help?\n"
        "Customer: My order arrived but I need more storage.\n"
        f"Agent: I can add the premium storage plan for {upsell} on top of your order.\n"
        "Customer: Yes, go ahead.\n"
    )
    return _valid(
        rng, tag, f"support call offering {upsell}",
        event_type="support_call", call_id=f"call-{rng.getrandbits(32)}", agent_id="agent-7",
        agent_name="ann o'neil", duration_seconds=300, transcript=transcript,
    )  # fmt: skip


def _invalid_shapes(rng: random.Random, tag: str) -> Iterator[PoisonRecord]:
    key = f"{tag}-bad".encode()
    event = valid_event(rng, user=f"{tag}-bad")
    yield _dead("undecodable bytes", key, b"\xff\xfe\x00garbage\x80", "undecodable")
    yield _dead("malformed JSON", key, b'{"event_type": "login", oops', "malformed_json")
    yield _dead("unknown event type", key, _json(event | {"event_type": "teleport"}),
                "unknown_event_type")  # fmt: skip
    yield _dead("wrong type", key, _json(event | {"user_id": 12345}), "wrong_type")
    yield _dead("absurd future timestamp", key,
                _json(event | {"occurred_at": "9999-12-31T23:59:59+00:00"}),
                "timestamp_in_future")  # fmt: skip
    yield _dead("absurd past timestamp", key,
                _json(event | {"occurred_at": "1970-01-01T00:00:00+00:00"}),
                "timestamp_too_old")  # fmt: skip
    yield _dead("no key and no value", None, None, "malformed_json")
    yield PoisonRecord(
        "invalid record with a null header value", key, b"{not json", Fate.DEAD,
        "malformed_json", headers=(Header(b"traceparent", None), Header(b"tenant", b"acme")),
    )  # fmt: skip
    yield PoisonRecord(
        "invalid record with binary header values", key,
        _json(event | {"event_type": "teleport"}), Fate.DEAD, "unknown_event_type",
        headers=(Header(b"bin", BINARY), Header(b"empty", b"")),
    )  # fmt: skip
    padding = b"x" * OVERSIZED_BYTES
    prefix = b'{"event_type": "page_view", "padding": "'
    yield _dead("~1 MB record", key, prefix + padding[: OVERSIZED_BYTES - len(prefix) - 2] + b'"}',
                "oversized")  # fmt: skip


def shapes(rng: random.Random, tag: str) -> tuple[list[PoisonRecord], set[str]]:
    """Every shape once, each followed by two valid events (so that the invalid share
    stays below the circuit breaker's threshold); and the ids of the absurd upsells."""
    records: list[PoisonRecord] = []
    calls = [support_call(rng, tag, amount) for amount in ABSURD_UPSELLS]
    binary_valid = _valid(rng, tag, "valid event with binary header values")
    binary_valid = PoisonRecord(
        binary_valid.label, binary_valid.key, binary_valid.value, Fate.STORED,
        event_id=binary_valid.event_id, headers=(Header(b"bin", BINARY), Header(b"nul", None)),
    )  # fmt: skip
    for shape in [*_invalid_shapes(rng, tag), *calls, binary_valid]:
        records.append(shape)
        records.extend(_valid(rng, tag, "valid event") for _ in range(2))
    return records, {str(call.event_id) for call in calls}


def raw_key_records(rng: random.Random, tag: str) -> tuple[PoisonRecord, ...]:
    valid = _valid(rng, tag, "valid event with a non-UTF-8 header key")
    return (
        PoisonRecord(
            valid.label, valid.key, valid.value, Fate.STORED, event_id=valid.event_id,
            headers=(Header(NON_UTF8_KEYS[0], b"v"), Header(b"plain", b"\x00\xff")),
        ),
        _valid(rng, tag, "valid event"),
        PoisonRecord(
            "invalid record with a non-UTF-8 header key", f"{tag}-bad".encode(),
            b"{not json either", Fate.DEAD, "malformed_json",
            headers=(Header(NON_UTF8_KEYS[1], b"\x01\x02"),),
        ),
        _valid(rng, tag, "valid event"),
    )  # fmt: skip


def build(seed: int, *, partitions: int) -> Corpus:
    rng = random.Random(seed)
    tag = f"p{seed}"
    plain, plain_calls = shapes(rng, f"{tag}n")
    committed, committed_calls = shapes(rng, f"{tag}c")
    aborted, _ = shapes(rng, f"{tag}a")
    first = next(r for r in plain if r.fate is Fate.STORED)
    again = PoisonRecord(
        "re-sent valid event", first.key, first.value, Fate.DUPLICATE, event_id=first.event_id
    )
    mixed = [_valid(rng, tag, "valid event"), _dead("malformed JSON", b"k", b"[", "malformed_json")]
    # Last, one committed event on every partition: each partition then ends in a commit
    # marker, which the consumer must count as read to ever be idle.
    last = [
        PoisonRecord(r.label, r.key, r.value, r.fate, r.reason, r.event_id, r.headers, p)
        for p, r in enumerate(_valid(rng, tag, "last committed event") for _ in range(partitions))
    ]
    groups = (
        Group(Mode.NONE, tuple(plain)),
        Group(Mode.COMMIT, (*committed, again)),
        Group(Mode.NONE, tuple(mixed)),
        Group(Mode.ABORT, tuple(r.aborted() for r in aborted)),
        Group(Mode.COMMIT, tuple(last)),
    )
    return Corpus(groups, raw_key_records(rng, tag), frozenset(plain_calls | committed_calls))
