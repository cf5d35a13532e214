"""Hand-written events for seed 003's formulas (test_seed_formulas.py), each figure small
enough to work out by hand: the seed's example post (1,234 views, 89 likes, 23 comments,
12 shares), four authors in "tech" around the category median, a post published before the
90-day window, and two sellers' product pages (category "Shop").

Publication times are whole weeks (plus 0..5 days) before `anchor`, at the anchor's time
of day, so each author's posts share one UTC weekday x hour slot: `slot(k)` is the slot
of the posts published k days (mod 7) before a whole number of weeks back."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tests.integration.harness import Record

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Item:
    content_id: str
    author_id: str
    category: str


@dataclass
class SeedData:
    anchor: datetime
    events: list[dict[str, Any]] = field(default_factory=list)

    def records(self) -> list[Record]:
        return [
            Record(e["user_id"].encode(), json.dumps(e).encode(), e["event_id"])
            for e in self.events
        ]

    def slot(self, days_back: int) -> tuple[str, int]:
        """The (weekday name, UTC hour) of a publication `days_back` days before anchor."""
        at = self.anchor - days_back * DAY
        return WEEKDAYS[at.isoweekday() - 1], at.hour

    def content(self, kind: str, user: str, item: Item, at: datetime) -> None:
        self.events.append({
            "schema_version": 1, "event_id": str(uuid.uuid4()), "event_type": kind,
            "occurred_at": at.isoformat(), "user_id": user, "session_id": f"s-{user}",
            "device": "desktop", "location": {"country": "US", "city": "Springfield"},
            "content_id": item.content_id, "author_id": item.author_id,
            "category": item.category,
        })  # fmt: skip

    def post(self, item: Item, days_back: int, engagement: dict[str, int],
             *, engaged_days_back: int | None = None) -> None:  # fmt: skip
        """A page_create `days_back` days before anchor, then `engagement` (event type ->
        count) from distinct readers, a minute later or `engaged_days_back` days back."""
        published = self.anchor - days_back * DAY
        self.content("page_create", item.author_id, item, published)
        engaged = (
            published + MINUTE
            if engaged_days_back is None
            else self.anchor - engaged_days_back * DAY
        )
        for kind, count in engagement.items():
            for reader in range(count):
                self.content(kind, f"r-{kind}-{reader}", item, engaged)


def build(now: datetime) -> SeedData:
    data = SeedData(now - 10 * MINUTE)
    # Seed 003's example response: 1,234 views, 89 likes, 23 comments, 12 shares.
    example = {"page_view": 1234, "like": 89, "comment": 23, "share": 12}
    data.post(Item("c-example", "a-star", "news"), 7 + 4, example)
    # tech, within the 90 days. a-heavy: 10 posts of 1 view each, in slot(0).
    for week in range(1, 11):
        data.post(Item(f"c-heavy-{week}", "a-heavy", "tech"), 7 * week, {"page_view": 1})
    # ... and one post 98 days back (14 weeks: slot(0) too), liked 50 times 20 days back:
    # outside the window of top authors and coaching, inside the all-time figures.
    data.post(Item("c-heavy-old", "a-heavy", "tech"), 98, {"like": 50}, engaged_days_back=20)
    # a-steady: 10 posts of 3 views each, in slot(1).
    for week in range(1, 11):
        data.post(Item(f"c-steady-{week}", "a-steady", "tech"), 7 * week + 1, {"page_view": 3})
    # a-rare: 2 posts of 4 views and 2 likes each, in slot(2).
    for week in (1, 2):
        rare = Item(f"c-rare-{week}", "a-rare", "tech")
        data.post(rare, 7 * week + 2, {"page_view": 4, "like": 2})
    # a-mid: 4 posts of 2 views each, in slot(3).
    for week in range(1, 5):
        data.post(Item(f"c-mid-{week}", "a-mid", "tech"), 7 * week + 3, {"page_view": 2})
    # Product pages, in slot(5): seller-1 publishes 10 that nobody views, seller-2 one
    # viewed 4 times.
    for week in range(1, 11):
        data.post(Item(f"p-shelf-{week}", "seller-1", "Shop"), 7 * week + 5, {})
    data.post(Item("p-lamp", "seller-2", "Shop"), 7 * 11 + 5, {"page_view": 4})
    return data
