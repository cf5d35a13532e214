"""The content rollups of issue 17 with hand-written events through the real broker and
consumer, expected figures worked out by hand: all-time totals per author and category
(`author_category_activity`, read by `top_categories()`), and the leading pages per
category (`content_leaders`, read by `top_pages.sql`) as pages overtake each other, fall
off the board and move to another category."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pulse.sqlfiles import SQL_ROOT
from tests.integration.handwritten import ANCHOR, Pipeline, assert_no_drift, at, event, rows

pytestmark = pytest.mark.integration

TOP_PAGES = (SQL_ROOT / "queries" / "top_pages.sql").read_text(encoding="utf-8")
AUTHOR_TOTALS = (
    "select author_id, category, posts_published, views, likes, comments, shares, engagements"
    " from author_category_activity"
)
BOARD = "select content_id, category, actions from content_leaders"


@pytest.fixture
def pipeline(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> Pipeline:
    return Pipeline(
        kafka_bootstrap, database_url, topic_factory("events", 3), topic_factory("dlq", 1), tmp_path
    )


def _on(kind: str, page: str, author: str, category: str, when: datetime, **fields: Any
) -> dict[str, Any]:  # fmt: skip
    content = {"content_id": page, "author_id": author, "category": category}
    return event(kind, f"reader-{page}", when, **content, **fields)


def test_category_totals_per_author_add_up_through_late_and_repeated_events(
    pipeline: Pipeline,
) -> None:
    like_b = _on("like", "p-b", "a2", "tech", at(1, 13))
    first = [
        _on("page_create", "p-a", "a1", "tech", at(1, 9)),
        *(_on("page_view", "p-a", "a1", "tech", at(1, 10 + i)) for i in range(3)),
        _on("page_create", "p-b", "a2", "tech", at(1, 9)),
        _on("page_view", "p-b", "a2", "tech", at(1, 12)),
        like_b,
        _on("page_create", "p-c", "a3", "health", at(1, 9)),
        *(_on("page_view", "p-c", "a3", "health", at(2, i)) for i in range(2)),
        event("search", "someone", at(2, 5), query="pulse", results_count=1),  # no content
    ]
    pipeline.send(first)
    url = pipeline.database_url
    assert sorted(rows(url, AUTHOR_TOTALS)) == [
        ("a1", "tech", 1, 3, 0, 0, 0, 3),
        ("a2", "tech", 1, 1, 1, 0, 0, 2),  # engagement: views + likes + comments + shares
        ("a3", "health", 1, 2, 0, 0, 0, 2),
    ]

    second = [
        _on("page_view", "p-b", "a2", "tech", at(0, 23)),  # late, on the day before
        like_b,  # sent again
        _on("comment", "p-c", "a3", "health", at(3), text="thanks"),
        _on("share", "p-c", "a3", "health", at(3, 13), channel="email"),
    ]
    pipeline.send(second)
    assert sorted(rows(url, AUTHOR_TOTALS)) == [
        ("a1", "tech", 1, 3, 0, 0, 0, 3),
        ("a2", "tech", 1, 2, 1, 0, 0, 3),
        ("a3", "health", 1, 2, 0, 1, 1, 4),
    ]
    # tech: 2 authors, 2 posts, 6 engagements; a1 and a2 tie at 3, the first by id leads.
    # (No catalog was sent: the top author's name is null.)
    tech = (1, "tech", 2, 2, 6, Decimal("3.00"), "a1", 3, None)
    health = (2, "health", 1, 1, 4, Decimal("4.00"), "a3", 4, None)
    assert rows(url, "select * from top_categories(5)") == [tech, health]
    assert rows(url, "select * from top_categories(1)") == [tech]
    assert_no_drift(url)


def _pages(prefix: str, count: int, category: str, day: int) -> list[dict[str, Any]]:
    return [
        _on("page_create", f"{prefix}{n:03}", "a1", category, at(day, 9, n % 60))
        for n in range(count)
    ]


def test_the_leaderboard_keeps_each_categorys_first_100_pages(pipeline: Pipeline) -> None:
    # 101 tech pages, created (1 action each); two health pages, h1 viewed 5 times; a
    # product page viewed 7 times (product pages rank only when asked: include_shop).
    first = [
        *_pages("t", 101, "tech", 1),
        *_pages("h", 2, "health", 1),
        *(_on("page_view", "h000", "a1", "health", at(2, i)) for i in range(5)),
        *(_on("page_view", "shop1", "seller", "Shop", at(2, i)) for i in range(7)),
    ]
    pipeline.send(first)
    url = pipeline.database_url
    board = rows(url, BOARD)
    # All 101 tech pages tie at 1 action: the 100th place is shared, so all stay.
    assert sorted(board) == sorted(
        [(f"t{n:03}", "tech", 1) for n in range(101)]
        + [("h000", "health", 6), ("h001", "health", 1), ("shop1", "Shop", 7)]
    )

    # Every tech page but t100 gets a view (2 actions): t100 is 101st and leaves. A late
    # event of h001, earlier than its creation and in tech, moves it to tech (an item's
    # category is its earliest event's), where its 2 actions tie with the leaders.
    second = [
        *(_on("page_view", f"t{n:03}", "a1", "tech", at(3)) for n in range(100)),
        _on("page_view", "h001", "a1", "tech", at(0)),
    ]
    pipeline.send(second)
    board = rows(url, BOARD)
    assert sorted(board) == sorted(
        [(f"t{n:03}", "tech", 2) for n in range(100)]
        + [("h000", "health", 6), ("h001", "tech", 2), ("shop1", "Shop", 7)]
    )

    # t100 overtakes them all with 2 views (3 actions); a new page t101 (1 action) ranks
    # 103rd in tech: off the board.
    pipeline.send(
        [
            *(_on("page_view", "t100", "a1", "tech", at(4, i)) for i in range(2)),
            _on("page_create", "t101", "a1", "tech", at(4, 9)),
        ]
    )
    board = rows(url, BOARD)
    assert ("t100", "tech", 3) in board
    assert ("t101", "tech", 1) not in board
    assert len(board) == 104  # t100, 101 tied at 2 in tech (100th shared), h000, shop1

    # Late first events move t050-t052 to health: tech keeps 99 pages ahead of t101, which
    # gets on the board without an event of its own (tech is ranked again from all items).
    moved = [_on("page_view", f"t05{n}", "a1", "health", at(0)) for n in range(3)]
    pipeline.send(moved)
    board = rows(url, BOARD)
    moved_away = {"t050", "t051", "t052"}
    assert sorted(board) == sorted(
        [(f"t{n:03}", "tech", 2) for n in range(100) if f"t{n:03}" not in moved_away]
        + [("t100", "tech", 3), ("h001", "tech", 2), ("t101", "tech", 1)]
        + [("h000", "health", 6), ("shop1", "Shop", 7)]
        + [(page, "health", 3) for page in sorted(moved_away)]
    )

    # (rank, content_id, author, category, actions, views, likes, comments, shares, edits,
    # title, author name; no catalog was sent, so no names): h000 leads with 6; t050-t052
    # (health now) and t100 tie at 3; 98 pages at 2; t101.
    def page(rank: int, content_id: str, category: str, actions: int) -> tuple[Any, ...]:
        return (rank, content_id, "a1", category, actions, actions - 1, 0, 0, 0, 0, None, None)

    expected = [
        page(1, "h000", "health", 6),
        *(page(2, moved_page, "health", 3) for moved_page in sorted(moved_away)),
        page(2, "t100", "tech", 3),
        page(6, "h001", "tech", 2),
        *(page(6, f"t{n:03}", "tech", 2) for n in range(100) if f"t{n:03}" not in moved_away),
        page(104, "t101", "tech", 1),
    ]
    pages = {"include_shop": False}
    assert rows(url, TOP_PAGES, {"limit": 2, **pages}) == expected[:2]
    # Past 100 the ranking reads every item (104 here); its first 100 are the board's.
    assert rows(url, TOP_PAGES, {"limit": 105, **pages}) == expected
    assert rows(url, TOP_PAGES, {"limit": 100, **pages}) == expected[:100]
    shop1 = (1, "shop1", "seller", "Shop", 7, 7, 0, 0, 0, 0, None, None)
    h000_second = (2, *expected[0][1:])
    with_shop = [shop1, h000_second]
    assert rows(url, TOP_PAGES, {"limit": 2, "include_shop": True}) == with_shop
    assert rows(url, TOP_PAGES, {"limit": 105, "include_shop": True})[:2] == with_shop
    assert_no_drift(url)


POSTING_TIMES = (SQL_ROOT / "queries" / "posting_times.sql").read_text(encoding="utf-8")
TOP_AUTHORS = (SQL_ROOT / "queries" / "top_authors.sql").read_text(encoding="utf-8")
SLOTS = (
    "select category, iso_weekday, hour_of_day, posts, views, likes, comments, shares,"
    " engagements from post_slot_activity"
)
POST_DAYS = (
    "select published_date, author_id, category, posts, views, likes, comments, shares,"
    " engagements from author_category_daily_posts"
)


def test_post_rollups_follow_posts_published_late_moved_and_reattributed(
    pipeline: Pipeline,
) -> None:
    # Day numbers relative to ANCHOR, a Monday (day 1 a Tuesday, 3 a Thursday, 4 a Friday).
    p2_view = _on("page_view", "p2", "a1", "tech", at(2, 11))
    first = [
        _on("page_create", "p1", "a1", "tech", at(1, 10)),  # Tuesday 10h
        *(_on("page_view", "p1", "a1", "tech", at(2, 9 + i)) for i in range(3)),
        _on("like", "p1", "a1", "tech", at(2, 13)),
        _on("page_create", "p2", "a1", "tech", at(1, 10, 30)),  # Tuesday 10h too
        p2_view,
        _on("page_create", "p3", "a2", "tech", at(3, 15)),  # Thursday 15h
        *(_on("page_view", "q1", "a3", "health", at(2, i)) for i in range(2)),  # no post yet
    ]
    pipeline.send(first)
    url = pipeline.database_url
    day = _day_of
    assert sorted(rows(url, SLOTS)) == [
        ("tech", 2, 10, 2, 4, 1, 0, 0, 5),  # p1 (3 views, a like) and p2 (a view)
        ("tech", 4, 15, 1, 0, 0, 0, 0, 0),  # p3
    ]
    assert sorted(rows(url, POST_DAYS)) == [
        (day(1), "a1", "tech", 2, 4, 1, 0, 0, 5),
        (day(3), "a2", "tech", 1, 0, 0, 0, 0, 0),
    ]

    second = [
        # q1 becomes a post on Friday 9h, with its two earlier views and one more.
        _on("page_create", "q1", "a3", "health", at(4, 9)),
        _on("page_view", "q1", "a3", "health", at(4, 10)),
        # A late, earlier page_create moves p1 to Monday 23h (day 0), with a new view.
        _on("page_create", "p1", "a1", "tech", at(0, 23)),
        _on("page_view", "p1", "a1", "tech", at(5)),
        # A late first event of p3 (before its creation) makes it a4's, in health.
        _on("page_view", "p3", "a4", "health", at(2, 20)),
        p2_view,  # sent again
    ]
    pipeline.send(second)
    assert sorted(rows(url, SLOTS)) == [
        ("health", 4, 15, 1, 1, 0, 0, 0, 1),  # p3
        ("health", 5, 9, 1, 3, 0, 0, 0, 3),  # q1
        ("tech", 1, 23, 1, 4, 1, 0, 0, 5),  # p1
        ("tech", 2, 10, 1, 1, 0, 0, 0, 1),  # p2 (p1 taken back: 3 views and a like)
    ]  # (tech, Thursday 15h) lost p3: deleted
    assert sorted(rows(url, POST_DAYS)) == [
        (day(0), "a1", "tech", 1, 4, 1, 0, 0, 5),
        (day(1), "a1", "tech", 1, 1, 0, 0, 0, 1),
        (day(3), "a4", "health", 1, 1, 0, 0, 0, 1),
        (day(4), "a3", "health", 1, 3, 0, 0, 0, 3),
    ]

    pct = Decimal
    # Total engagement 10: p1 half of it, q1 three tenths, p2 and p3 one tenth each.
    assert rows(url, POSTING_TIMES, {"limit": 10, "include_shop": False}) == [
        ("Monday", 23, 1, 4, 1, 0, 0, 5, pct("5.00"), pct("50.00")),
        ("Friday", 9, 1, 3, 0, 0, 0, 3, pct("3.00"), pct("30.00")),
        ("Tuesday", 10, 1, 1, 0, 0, 0, 1, pct("1.00"), pct("10.00")),
        ("Thursday", 15, 1, 1, 0, 0, 0, 1, pct("1.00"), pct("10.00")),
    ]
    # (category, category rank, overall rank, author, posts, views, likes, comments,
    # shares, engagements, average, name, home category): all published within the last
    # 90 days; no catalog was sent, so no names.
    assert rows(url, TOP_AUTHORS, {"per_category": 3, "include_shop": False}) == [
        ("health", 1, 2, "a3", 1, 3, 0, 0, 0, 3, pct("3.00"), None, None),
        ("health", 2, 3, "a4", 1, 1, 0, 0, 0, 1, pct("1.00"), None, None),
        ("tech", 1, 1, "a1", 2, 5, 1, 0, 0, 6, pct("3.00"), None, None),
    ]
    coaching = "select author_id, category, posts, engagements from author_opportunities"
    assert sorted(rows(url, coaching)) == [
        ("a1", "tech", 2, 6), ("a3", "health", 1, 3), ("a4", "health", 1, 1),
    ]  # fmt: skip
    assert_no_drift(url)


def _day_of(offset: int) -> date:
    return ANCHOR + timedelta(days=offset)
