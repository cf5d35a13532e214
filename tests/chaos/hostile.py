"""Hostile records: hypothesis draws a pool of nasty values (bytes, text with control
characters and NUL, numbers of every size, nested structures) with a fixed seed, and a
seeded random.Random combines them with real events into records of every kind.

Drawing every record through hypothesis would take minutes for 100,000 records; a pool of
a few thousand drawn values, recombined, keeps the variety and the reproducibility."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.integration.harness import valid_event

SQL_INJECTIONS = (
    "'; drop table events; --",
    "x' or '1'='1",
    "1; delete from partition_offsets where true; --",
    "'); truncate user_activity; --",
    "\\'; select pg_sleep(10); --",
    "$$; drop schema public cascade; $$",
    "Robert'); DROP TABLE events;--",
)
EXTREME_DATES = (
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59.999999+14:00",
    "2024-02-30T10:00:00Z",
    "-0001-01-01T00:00:00Z",
)
HUGE_NUMBERS = ("1e400", "-1e400", "18446744073709551616", "-9223372036854775809", "1" * 5000)
_JUNK_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.lists(st.integers(), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
_NASTY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Zs", "L", "N", "P", "S")),
    max_size=200,
)


@dataclass(frozen=True)
class Pool:
    binaries: list[bytes]
    texts: list[str]
    junk: list[Any]


def _draw(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` values of `strategy`, the same ones on every run (derandomized)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=(Phase.generate,),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def draw_pool(size: int) -> Pool:
    return Pool(
        binaries=_draw(st.binary(min_size=0, max_size=3000), size),
        texts=_draw(_NASTY_TEXT, size),
        junk=_draw(_JUNK_TYPES, size),
    )


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _event(rng: random.Random) -> dict[str, Any]:
    event = valid_event(rng)
    event["event_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return event


def _text_fields(event: dict[str, Any]) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = [("location", "city"), ("location", "country")]
    paths += [(k,) for k, v in event.items() if isinstance(v, str)]
    return paths


def _set(event: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = event
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


class HostileFactory:
    """`make()` returns one hostile record's bytes. Big records (huge strings, deep
    nesting) are drawn less often, so that 100,000 records stay a few hundred megabytes."""

    def __init__(self, pool: Pool, rng: random.Random) -> None:
        self._pool = pool
        self._rng = rng
        self._kinds: list[Callable[[], bytes]] = [
            self._random_bytes,
            self._truncated,
            self._nested,
            self._huge_string,
            self._wrong_type,
            self._sql_every_field,
            self._sql_one_field,
            self._control_chars,
            self._invalid_utf8,
            self._huge_number,
            self._extreme_date,
        ]
        self._weights = [1.0, 1.0, 0.5, 0.1, *([1.0] * 7)]

    def make(self) -> bytes:
        return self._rng.choices(self._kinds, self._weights)[0]()

    def _random_bytes(self) -> bytes:
        return self._rng.choice(self._pool.binaries)

    def _truncated(self) -> bytes:
        raw = _dump(_event(self._rng))
        return raw[: self._rng.randrange(0, len(raw))]

    def _nested(self) -> bytes:
        depth = self._rng.choice((100, 1000, 10_000, 100_000))
        if self._rng.random() < 0.5:
            return b"[" * depth + b"]" * depth
        event = _event(self._rng)
        _set(event, self._rng.choice(_text_fields(event)), "NEST")
        head, tail = _dump(event).split(b'"NEST"', 1)
        return head + b'{"a":' * depth + b"1" + b"}" * depth + tail

    def _huge_string(self) -> bytes:
        event = _event(self._rng)
        size = self._rng.choice((66_000,) * 8 + (300_000, 900_000))
        _set(event, self._rng.choice(_text_fields(event)), "x" * size)
        return _dump(event)

    def _wrong_type(self) -> bytes:
        event = _event(self._rng)
        key = self._rng.choice(list(event))
        event[key] = self._rng.choice(self._pool.junk)
        return _dump(event)

    def _sql_every_field(self) -> bytes:
        event = _event(self._rng)
        for path in _text_fields(event):
            if path not in (("event_id",), ("occurred_at",), ("event_type",)):
                _set(event, path, self._rng.choice(SQL_INJECTIONS))
        return _dump(event)

    def _sql_one_field(self) -> bytes:
        event = _event(self._rng)
        _set(event, self._rng.choice(_text_fields(event)), self._rng.choice(SQL_INJECTIONS))
        return _dump(event)

    def _control_chars(self) -> bytes:
        event = _event(self._rng)
        text = self._rng.choice(self._pool.texts) + self._rng.choice(("\x00", "\x07", "\u202e", ""))
        _set(event, self._rng.choice(_text_fields(event)), text)
        return _dump(event)

    def _invalid_utf8(self) -> bytes:
        raw = _dump(_event(self._rng))
        cut = self._rng.randrange(1, len(raw) - 1)
        junk = self._rng.choice((b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"))
        return raw[:cut] + junk + raw[cut:]

    def _huge_number(self) -> bytes:
        event = _event(self._rng)
        field = self._rng.choice(["schema_version", "results_count", "quantity", "unit_price"])
        event[field] = "NUMBER"
        return _dump(event).replace(b'"NUMBER"', self._rng.choice(HUGE_NUMBERS).encode(), 1)

    def _extreme_date(self) -> bytes:
        event = _event(self._rng)
        event["occurred_at"] = self._rng.choice(EXTREME_DATES)
        return _dump(event)
