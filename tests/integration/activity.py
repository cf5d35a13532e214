"""A small deterministic activity simulation for the aggregate tests: users who sign up,
change device and move (SCD2), authors publishing in categories, sessions walking the
view -> cart -> purchase funnel, a live tail in the last minutes, plus the faults the
aggregates must survive: events sent late (out of event-time order), exact re-sends and
events of one user sharing an instant.

Unlike the producer's simulator it is tiny and tuned to hit every corner of every
aggregate in a few thousand events; `records()` gives what the tests send to Kafka and
`write_directly()` writes the same events through the consumer's writer without Kafka.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg

from consumer.store.facts import fact_row
from consumer.store.migrations import migrate
from consumer.store.writer import PartitionSlice, load_offsets, prepare_connection, write_batch
from pulse.contract import EVENT_ADAPTER
from tests.integration.harness import Record

CATEGORIES = ("tech", "business", "health", "lifestyle")
PLACES = (("US", "Springfield"), ("US", "Portland"), ("DE", "Köln"), ("IN", "Pune"))
DEVICES = ("desktop", "mobile", "tablet")
CURRENCIES = ("USD", "USD", "USD", "EUR")
DIRECT_TOPIC = "direct"


@dataclass
class _User:
    user_id: str
    device: str
    country: str
    city: str
    active_from: datetime
    active_until: datetime
    is_new: bool
    category: str | None = None  # set for authors
    posts: list[str] = field(default_factory=list)


@dataclass
class Simulation:
    """Events in production order (mostly event-time order; late ones at the end)."""

    events: list[dict[str, Any]]
    resent: list[dict[str, Any]]  # exact re-sends of some events, mixed in by records()
    seed: int

    def records(self) -> list[Record]:
        rng = random.Random(self.seed + 1)
        ordered = list(self.events)
        for event in self.resent:
            ordered.insert(rng.randrange(len(ordered) + 1), event)
        return [
            Record(e["user_id"].encode(), json.dumps(e).encode(), e["event_id"]) for e in ordered
        ]

    @property
    def unique_events(self) -> int:
        return len(self.events)


def simulate(
    seed: int,
    *,
    users: int = 80,
    sessions: int = 1500,
    days: int = 370,
    late_share: float = 0.04,
    resend_share: float = 0.03,
    now: datetime | None = None,
) -> Simulation:
    rng = random.Random(seed)
    end = (now or datetime.now(UTC)) - timedelta(seconds=5)
    start = end - timedelta(days=days)
    people = _people(rng, users, start, end)
    authors = [u for u in people if u.category is not None]
    catalog = [_content(rng, rng.choice(authors)) for _ in range(25)]  # published before
    prices = [Decimal(f"{rng.randrange(199, 19999) / 100:.2f}") for _ in range(15)]
    world = _World(rng, end, catalog, [(f"p-{i:02d}", price) for i, price in enumerate(prices)])
    starts = sorted(_session_starts(rng, people, sessions, start, end), key=lambda s: s[1])
    events: list[dict[str, Any]] = []
    for user, begins_at in starts:
        events.extend(_session(world, user, begins_at))
    events.sort(key=lambda e: e["occurred_at"])
    late = [e for e in events if rng.random() < late_share]
    late_ids = {e["event_id"] for e in late}
    ordered = [e for e in events if e["event_id"] not in late_ids] + late
    resent = [dict(e) for e in rng.sample(events, int(len(events) * resend_share))]
    return Simulation(ordered, resent, seed)


def _people(rng: random.Random, count: int, start: datetime, end: datetime) -> list[_User]:
    span = (end - start).total_seconds()
    people: list[_User] = []
    for i in range(count):
        is_new = i % 2 == 1
        joined = start + timedelta(seconds=rng.uniform(0, span * 0.9)) if is_new else start
        lifetime = timedelta(days=rng.uniform(20, 400))
        country, city = rng.choice(PLACES)
        user = _User(
            user_id=f"user-{i:03d}",
            device=rng.choice(DEVICES),
            country=country,
            city=city,
            active_from=joined,
            active_until=min(end, joined + lifetime) if i % 5 else end,
            is_new=is_new,
        )
        if i % 8 == 0:
            user.category = CATEGORIES[(i // 8) % len(CATEGORIES)]
            user.active_from, user.active_until, user.is_new = start, end, False
        people.append(user)
    return people


def _session_starts(
    rng: random.Random, people: Sequence[_User], count: int, start: datetime, end: datetime
) -> list[tuple[_User, datetime]]:
    starts: list[tuple[_User, datetime]] = []
    for user in people:
        if user.is_new:  # the signup session
            starts.append((user, user.active_from))
    while len(starts) < count:
        user = rng.choice(people)
        span = (user.active_until - user.active_from).total_seconds()
        starts.append((user, user.active_from + timedelta(seconds=rng.uniform(0, span))))
    # A live tail: sessions in the last hour, some in the last two minutes.
    for minutes in (1.5, 1.0, 0.5, 4.0, 12.0, 30.0, 55.0, 90.0, 600.0, 1300.0):
        starts.append((rng.choice(people), end - timedelta(minutes=minutes)))
    return [(u, min(t, end - timedelta(seconds=30))) for u, t in starts if t >= start]


def _content(rng: random.Random, author: _User) -> tuple[str, str, str]:
    category = author.category if rng.random() < 0.8 else rng.choice(CATEGORIES)
    assert category is not None
    return (f"c-{uuid.UUID(int=rng.getrandbits(128)).hex[:10]}", author.user_id, category)


@dataclass
class _World:
    rng: random.Random
    end: datetime
    catalog: list[tuple[str, str, str]]  # (content_id, author_id, category)
    products: list[tuple[str, Decimal]]


Emit = Callable[..., None]


def _session(world: _World, user: _User, begins_at: datetime) -> list[dict[str, Any]]:
    rng, end = world.rng, world.end
    session_id = f"s-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}"
    if rng.random() < 0.08:
        user.device = rng.choice(DEVICES)
    if rng.random() < 0.04:
        user.country, user.city = rng.choice(PLACES)
    at = begins_at
    events: list[dict[str, Any]] = []

    def emit(kind: str, **fields: Any) -> None:
        nonlocal at
        event = {
            "schema_version": 1,
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "event_type": kind,
            "occurred_at": min(at, end).isoformat(),
            "user_id": user.user_id,
            "session_id": session_id,
            "device": user.device,
            "location": {"country": user.country, "city": user.city},
            **fields,
        }
        events.append(event)
        at += timedelta(seconds=rng.uniform(1, 90), microseconds=rng.randrange(1_000_000))

    if user.is_new and begins_at == user.active_from:
        emit("signup", referral_source=rng.choice(["ads", "friend", "search"]))
    else:
        emit("login")
    for _ in range(rng.randrange(1, 9)):
        _act(world, user, emit)
    if rng.random() < 0.03:
        _same_instant_switch(user, emit, events)
    if rng.random() < 0.5:
        emit("logout")
    return events


def _act(world: _World, user: _User, emit: Emit) -> None:
    roll = world.rng.random()
    if user.category is not None and roll < 0.12:
        content = _content(world.rng, user)
        world.catalog.append(content)
        emit("page_create", **_content_fields(content))
        if world.rng.random() < 0.3:
            emit("page_edit", **_content_fields(content))
    elif roll < 0.55:
        _read(world, emit)
    elif roll < 0.62:
        emit("search", query="kafka exactly once", results_count=world.rng.randrange(0, 40))
    elif roll < 0.95:
        _shop(world, emit)
    else:
        _call(world, emit)


def _read(world: _World, emit: Emit) -> None:
    rng, catalog = world.rng, world.catalog
    content = catalog[min(int(rng.paretovariate(1.2)) - 1, len(catalog) - 1)]
    if rng.random() < 0.5:
        content = rng.choice(catalog)
    emit("page_view", **_content_fields(content))
    follow = rng.random()
    if follow < 0.25:
        emit("like", **_content_fields(content))
    elif follow < 0.35:
        emit("comment", text="nice one", **_content_fields(content))
    elif follow < 0.42:
        emit("share", channel="email", **_content_fields(content))
    elif follow < 0.55:
        emit("click", element="link", **_content_fields(content))


def _shop(world: _World, emit: Emit) -> None:
    rng = world.rng
    product_id, price = rng.choice(world.products)
    cart = {
        "product_id": product_id,
        "quantity": rng.randrange(1, 4),
        "unit_price": str(price),
        "currency": rng.choice(CURRENCIES),
    }
    emit("page_view", content_id=product_id, author_id="shop", category="shop")
    if rng.random() < 0.6:
        emit("add_to_cart", **cart)
        after = rng.random()
        if after < 0.45:
            emit("purchase", order_id=f"o-{rng.getrandbits(48):x}", **cart)
        elif after < 0.6:
            emit("remove_from_cart", **cart)


def _call(world: _World, emit: Emit) -> None:
    rng = world.rng
    emit(
        "support_call",
        call_id=f"call-{rng.getrandbits(40):x}",
        agent_id="agent-1",
        agent_name="Ada Agent",
        duration_seconds=rng.randrange(30, 900),
        transcript="customer asked about an order",
    )


def _same_instant_switch(user: _User, emit: Emit, events: list[dict[str, Any]]) -> None:
    """Two events of the user at the very same instant from different devices: the
    users dimension must resolve the tie the same way whatever the arrival order."""
    emit("search", query="same instant", results_count=1)
    first = events[-1]
    user.device = next(d for d in DEVICES if d != user.device)
    emit("search", query="same instant", results_count=2)
    events[-1]["occurred_at"] = first["occurred_at"]


def _content_fields(content: tuple[str, str, str]) -> dict[str, str]:
    content_id, author_id, category = content
    return {"content_id": content_id, "author_id": author_id, "category": category}


def write_directly(
    database_url: str, events: Sequence[dict[str, Any]], *, batch_size: int = 500
) -> None:
    """The events through the consumer's validation model and writer, without Kafka:
    migrations applied, one pseudo-partition continuing from its stored offset,
    `batch_size` events per transaction, in the given order."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrate(conn)
        prepare_connection(conn)
        expected = load_offsets(conn, DIRECT_TOPIC, [0]).get(0)
        offset = expected or 0
        for first in range(0, len(events), batch_size):
            chunk = events[first : first + batch_size]
            rows = [
                fact_row(EVENT_ADAPTER.validate_python(event), DIRECT_TOPIC, 0, offset + i)
                for i, event in enumerate(chunk)
            ]
            part = PartitionSlice(0, expected, offset, offset + len(chunk), valid=len(chunk))
            write_batch(conn, DIRECT_TOPIC, rows, [part])
            offset += len(chunk)
            expected = offset
