"""Seed 003's formulas on hand-written events (seed_data.py) that went through the real
broker and the real consumer, asked of the SQL and, over real HTTP, of the real API logged
in as the read-only role. Every expected figure is worked out by hand in the comments:
the engagement rate of the seed's example post (7.21), the category median over authors'
averages in the opportunity score, top authors' average over the posts of the 90-day
window, posting times by publication hour, and product pages left out of the rankings
unless `include_shop`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from tests.integration import harness, seed_data
from tests.integration.api_server import Served, consumed_and_served

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass(frozen=True)
class Live:
    served: Served
    data: seed_data.SeedData

    def get(self, path: str, **params: Any) -> Any:
        return self.served.get(path, **params)

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.served.url) as conn:
            return [tuple(row) for row in conn.execute(query, params).fetchall()]


@pytest.fixture(scope="module")
def live(
    kafka_bootstrap: str, admin_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    data = seed_data.build(datetime.now(UTC))
    with consumed_and_served(
        kafka_bootstrap=kafka_bootstrap, admin_database_url=admin_database_url,
        records=data.records(), log_dir=tmp_path_factory.mktemp("seed"), prefix="seed",
    ) as served:  # fmt: skip
        assert harness.fact_count(served.url) == len(data.events)
        yield Live(served, data)


def test_engagement_rate_is_likes_per_100_views_as_in_the_seeds_example(live: Live) -> None:
    post = live.get("/engagement/c-example")
    assert (post["views"], post["likes"], post["comments"], post["shares"]) == (1234, 89, 23, 12)
    # 1,234 + 89 + 23 + 12 = 1,358 engagements; 89 / 1,234 x 100 = 7.2123... -> 7.21, the
    # seed's figure; every interaction, (89 + 23 + 12) / 1,234 x 100 = 10.0486... -> 10.05.
    assert post["total_engagements"] == 1358
    assert post["engagement_rate"] == 7.21
    assert post["interaction_rate"] == 10.05
    rates = live.sql(
        "select engagement_rate, interaction_rate from post_engagement(%s)", ("c-example",)
    )
    assert rates == [(Decimal("7.21"), Decimal("10.05"))]


def test_opportunity_score_uses_the_median_of_the_authors_averages(live: Live) -> None:
    # tech, posts of the last 90 days: a-heavy 10 posts / 10 engagements (1.0), a-steady
    # 10 / 30 (3.0), a-rare 2 / 12 (6.0), a-mid 4 / 8 (2.0). a-heavy's post of 98 days
    # back (50 likes) is outside. Median of 1.0, 2.0, 3.0, 6.0 = 2.5 (a median over the
    # posts would be 1: 10 ones, 8 twos, 10 threes, 2 sixes). a-heavy has 10 posts, below
    # 2.5: (2.5 - 1.0) x 10 = 15.
    assert live.get("/authors/coaching")["items"] == [
        {
            "author_id": "a-heavy", "category": "tech", "posts": 10,
            "avg_engagement_per_post": 1.0, "interaction_rate_pct": 0.0,  # 0 of 10 views
            "category_median_engagement_per_post": 2.5, "opportunity_score": 15.0,
        }
    ]  # fmt: skip
    # 75th percentile of 1, 2, 3, 6: position 1 + 0.75 x 3 = 3.25 -> 3 + 0.25 x (6 - 3) = 3.75.
    # a-steady (10 posts, 3.0) is neither below 2.5 nor at 3.75: average; a-rare has fewer
    # than 5 posts at 6.0 >= 3.75: low volume, high quality; a-mid (4 posts, 2.0): average.
    segments = live.sql(
        "select author_id, category_median_engagement_per_post,"
        " category_p75_engagement_per_post, performance_segment, opportunity_score,"
        " interaction_rate_pct"
        " from author_opportunities where category = 'tech' order by author_id"
    )
    # a-rare's interaction rate: 4 likes on 8 views = 50%.
    assert segments == [
        ("a-heavy", Decimal("2.50"), Decimal("3.75"), "high volume, low engagement", 15, 0),
        ("a-mid", Decimal("2.50"), Decimal("3.75"), "average", 0, 0),
        ("a-rare", Decimal("2.50"), Decimal("3.75"), "low volume, high quality", 0, 50),
        ("a-steady", Decimal("2.50"), Decimal("3.75"), "average", 0, 0),
    ]


def test_coaching_counts_product_pages_only_when_asked(live: Live) -> None:
    # Shop: seller-1 10 pages / 0 engagements (0.0), seller-2 1 / 4 (4.0): median 2.0,
    # seller-1 at 10 posts below it: (2.0 - 0.0) x 10 = 20.
    rows = live.get("/authors/coaching", include_shop="true")["items"]
    assert [(r["author_id"], r["category_median_engagement_per_post"],
             r["opportunity_score"]) for r in rows] == [
        ("seller-1", 2.0, 20.0), ("a-heavy", 2.5, 15.0),
    ]  # fmt: skip


def test_top_authors_average_over_the_posts_of_the_90_days(live: Live) -> None:
    rows = live.get("/authors/top", per_category=3)["items"]
    figures = {
        (r["category"], r["category_rank"]): (
            r["overall_rank"], r["author_id"], r["posts_published"], r["views"], r["likes"],
            r["total_engagements"], r["avg_engagement_per_post"],
        )
        for r in rows
    }  # fmt: skip
    # a-heavy: 10 posts of the window with 10 views: 1.0 per post. The 50 likes of 20 days
    # back went to its post of 98 days back, so they do not count (engagement received in
    # the window / posts of the window would have said 60 / 10 = 6.0). Overall, a-mid (8)
    # comes fifth, after a-heavy.
    assert figures == {
        ("news", 1): (1, "a-star", 1, 1234, 89, 1358, 1358.0),
        ("tech", 1): (2, "a-steady", 10, 30, 0, 30, 3.0),
        ("tech", 2): (3, "a-rare", 2, 8, 4, 12, 6.0),
        ("tech", 3): (4, "a-heavy", 10, 10, 0, 10, 1.0),
    }
    with_shop = live.get("/authors/top", per_category=3, include_shop="true")["items"]
    shop = [
        (r["category_rank"], r["overall_rank"], r["author_id"], r["posts_published"],
         r["total_engagements"], r["avg_engagement_per_post"])
        for r in with_shop if r["category"] == "Shop"
    ]  # fmt: skip
    # Overall: 1358, 30, 12, 10, 8, then seller-2's 4 and seller-1's 0.
    assert shop == [(1, 6, "seller-2", 1, 4, 4.0), (2, 7, "seller-1", 10, 0, 0.0)]


def test_posting_times_by_publication_hour_with_engagement_per_post(live: Live) -> None:
    slot = live.data.slot
    rows = live.get("/posting-times", limit=10)["items"]
    # All-time engagement of the posts published in each slot, the most first; 1,468 in all
    # (1,358 + 12 + 60 + 30 + 8). a-heavy's slot holds its 11 posts (the one of 98 days
    # back too) with 10 + 50 = 60: 5.4545... -> 5.45 per post.
    assert [((r["weekday_name"], r["hour_of_day"]), r["posts_published"],
             r["total_engagements"], r["avg_engagement_per_post"], r["share_of_total_pct"])
            for r in rows] == [
        (slot(4), 1, 1358, 1358.0, 92.51),  # 1,358 / 1,468 = 92.506...%
        (slot(0), 11, 60, 5.45, 4.09),  # a-heavy: 60 / 1,468 = 4.087...%
        (slot(1), 10, 30, 3.0, 2.04),  # a-steady: 30 / 1,468 = 2.043...%
        (slot(2), 2, 12, 6.0, 0.82),  # a-rare: 12 / 1,468 = 0.817...%
        (slot(3), 4, 8, 2.0, 0.54),  # a-mid: 8 / 1,468 = 0.544...%
    ]  # fmt: skip
    # The product pages' slot: 11 pages, 4 views: 0.3636... -> 0.36; 4 / 1,472 = 0.27%.
    with_shop = live.get("/posting-times", limit=10, include_shop="true")["items"]
    assert [(r["posts_published"], r["avg_engagement_per_post"], r["share_of_total_pct"])
            for r in with_shop][-1] == (11, 0.36, 0.27)  # fmt: skip
    assert with_shop[0]["share_of_total_pct"] == 92.26  # 1,358 / 1,472


def test_top_pages_leave_product_pages_out_unless_asked(live: Live) -> None:
    # Actions: c-example 1,234 + 89 + 23 + 12 + its creation = 1,359; c-heavy-old 50 + 1;
    # c-rare-* 7; c-steady-* 4; c-mid-* 3; c-heavy-* 2. 28 content pages in all.
    pages = live.get("/pages/top", limit=100)["items"]
    assert len(pages) == 28
    assert [(p["content_id"], p["action_rank"], p["actions"]) for p in pages[:4]] == [
        ("c-example", 1, 1359), ("c-heavy-old", 2, 51), ("c-rare-1", 3, 7), ("c-rare-2", 3, 7),
    ]  # fmt: skip
    assert live.sql("select count(*) from top_pages") == [(28,)]
    # With them: p-lamp (4 views + creation = 5) ranks 5th, the 10 unviewed shelves
    # (1 action each) share the last rank, after 29 pages with more.
    everything = live.get("/pages/top", limit=100, include_shop="true")["items"]
    ranks = {p["content_id"]: p["action_rank"] for p in everything}
    assert len(everything) == 39
    assert (ranks["p-lamp"], ranks["c-steady-1"], ranks["p-shelf-1"]) == (5, 6, 30)


def test_top_categories_leave_the_shop_out_unless_asked(live: Live) -> None:
    # tech: 10 + 50 (a-heavy) + 30 + 12 + 8 = 110 engagements on 27 posts -> 4.07.
    rows = live.get("/categories/top")["items"]
    assert [(r["category_rank"], r["category"], r["posts_published"], r["total_engagements"],
             r["avg_engagement_per_post"], r["top_author_id"]) for r in rows] == [
        (1, "news", 1, 1358, 1358.0, "a-star"), (2, "tech", 27, 110, 4.07, "a-heavy"),
    ]  # fmt: skip
    # The Shop: 4 views on 11 pages -> 0.36, third.
    with_shop = live.get("/categories/top", include_shop="true")["items"]
    assert [(r["category_rank"], r["category"], r["avg_engagement_per_post"])
            for r in with_shop][2:] == [(3, "Shop", 0.36)]  # fmt: skip


def test_include_shop_must_be_a_boolean(live: Live) -> None:
    response = live.served.client.get("/pages/top", params={"include_shop": "maybe"})
    assert response.status_code == 422
    assert "'include_shop'" in response.json()["message"]
