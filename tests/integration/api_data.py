"""Hand-written events for the API tests, small enough that every expected figure can be
worked out by hand (and is, in test_api.py): four authors in two categories, six posts,
three shoppers, a user who changes device, and three support calls from the labelled
corpus (tests/data/calls), spread over 40 days before `anchor`."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from consumer.calls.corpus import load
from tests.integration import catalog_records
from tests.integration.harness import Record

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Dataset:
    anchor: datetime  # ten minutes before the data was made: every event is in the past
    events: list[dict[str, Any]]
    # The catalog's records: names for most posts, authors, products and agents.
    catalog: list[catalog_records.Record] = field(default_factory=list)

    def records(self) -> list[Record]:
        return [
            Record(e["user_id"].encode(), json.dumps(e).encode(), e["event_id"])
            for e in self.events
        ]

    def at(self, days_before: int, minutes: int = 0) -> datetime:
        return self.anchor - days_before * DAY + minutes * MINUTE


def _event(kind: str, user: str, at: datetime, session: str, **fields: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": kind,
        "occurred_at": at.isoformat(),
        "user_id": user,
        "session_id": session,
        "device": fields.pop("device", "desktop"),
        "location": {"country": "US", "city": "Springfield"},
        **fields,
    }


POSTS = {  # content_id: (author, category)
    "c-post1": ("a-alice", "tech"),
    "c-post2": ("a-alice", "tech"),
    "c-post3": ("a-bob", "tech"),
    "c-post4": ("a-carol", "health"),
    "c-post5": ("a-dave", "tech"),
    "c-post6": ("a-dave", "tech"),
}


def build(now: datetime) -> Dataset:
    data = Dataset(now - 10 * MINUTE, [])
    add = data.events.append

    def content(kind: str, user: str, post: str, at: datetime, session: str, **f: Any) -> None:
        author, category = POSTS[post]
        add(_event(kind, user, at, session, content_id=post, author_id=author,
                   category=category, **f))  # fmt: skip

    def cart(kind: str, user: str, item: tuple[str, int, str], at: datetime, session: str,
             **f: Any) -> None:  # fmt: skip
        product, qty, price = item
        add(_event(kind, user, at, session, product_id=product, quantity=qty,
                   unit_price=price, currency="USD", device="mobile", **f))  # fmt: skip

    # Posts: post1 40 days back, post3 10, the others 2.
    content("page_create", "a-alice", "c-post1", data.at(40), "s-a1")
    content("page_create", "a-alice", "c-post2", data.at(2), "s-a2")
    content("page_create", "a-bob", "c-post3", data.at(10), "s-b1")
    content("page_create", "a-carol", "c-post4", data.at(2), "s-c1")
    content("page_create", "a-dave", "c-post5", data.at(2), "s-d1")
    content("page_create", "a-dave", "c-post6", data.at(2, 1), "s-d1")
    # u-1 signs up on a desktop 40 days back and views post1 twice; a day back, on mobile.
    add(_event("signup", "u-1", data.at(40), "s-old"))
    content("page_view", "u-1", "c-post1", data.at(40, 1), "s-old")
    content("page_view", "u-1", "c-post1", data.at(40, 2), "s-old")
    content("page_view", "u-1", "c-post1", data.at(1), "s-1", device="mobile")
    cart("add_to_cart", "u-1", ("p-1", 2, "10.50"), data.at(1, 1), "s-1")
    cart("purchase", "u-1", ("p-1", 2, "10.50"), data.at(1, 2), "s-1", order_id="o-1")
    content("page_view", "u-1", "c-post2", data.at(1, 5), "s-4", device="mobile")
    # u-2 views and buys, likes post1, and views and likes post3.
    content("page_view", "u-2", "c-post1", data.at(1), "s-2")
    cart("add_to_cart", "u-2", ("p-2", 1, "99.99"), data.at(1, 1), "s-2")
    cart("purchase", "u-2", ("p-2", 1, "99.99"), data.at(1, 2), "s-2", order_id="o-2")
    content("like", "u-2", "c-post1", data.at(1, 3), "s-2")
    content("page_view", "u-2", "c-post3", data.at(1), "s-5")
    content("like", "u-2", "c-post3", data.at(1, 1), "s-5")
    # u-3 likes, comments on and shares post1, views post2, likes post4 (never viewed).
    content("like", "u-3", "c-post1", data.at(1), "s-3")
    content("comment", "u-3", "c-post1", data.at(1, 1), "s-3", text="Nice")
    content("share", "u-3", "c-post1", data.at(1, 2), "s-3")
    content("page_view", "u-3", "c-post2", data.at(1, 3), "s-3")
    content("like", "u-3", "c-post4", data.at(1), "s-6")
    # Support calls: Priya converts a week back and not now; Karen converts now.
    calls = {call.call_id: call.transcript for call in load()}
    for user, agent, name, call_id, at in (
        ("u-4", "ag-1", "Priya", "lines-01", data.at(7)),
        ("u-5", "ag-1", "Priya", "lines-02", data.at(0)),
        ("u-6", "ag-2", "Karen", "lines-03", data.at(0)),
    ):
        add(_event("support_call", user, at, f"s-{user}", call_id=f"call-{call_id}",
                   agent_id=agent, agent_name=name, duration_seconds=300,
                   transcript=calls[call_id]))  # fmt: skip
    data.catalog.extend(_catalog(data))
    return data


def _catalog(data: Dataset) -> list[catalog_records.Record]:
    """Names for what the events name, but none for c-post4, a-carol and p-2: their
    figures must show all the same, without a name. Bob's home is health, his post tech."""
    at = (data.at(50)).isoformat()
    posts = [
        catalog_records.post(post, ["t"], at, title=f"Title of {post}", author_id=author,
                             category=category)
        for post, (author, category) in POSTS.items()
        if post != "c-post4"
    ]  # fmt: skip
    return [
        *posts,
        catalog_records.author("a-alice", "Alice Adams", "tech", at),
        catalog_records.author("a-bob", "Bob Brown", "health", at),
        catalog_records.author("a-dave", "Dave Diaz", "tech", at),
        catalog_records.product("p-1", "Desk lamp", at, price="10.50"),
        catalog_records.agent("ag-1", "Priya Patel", "Retention", at),
        catalog_records.agent("ag-2", "Karen Kim", "Inbound Sales", at),
    ]
