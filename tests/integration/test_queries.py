"""Every analytics view, SQL function and example query against an independent Python
recomputation from the facts, on real data: a year of simulated history from the
producer's simulated clock (with late events and duplicates) plus the small activity
simulation's corner cases and seed 003's hand-written authors (seed_data.py), through the
real broker and the real consumer."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from kafka.admin import KafkaAdminClient, NewTopic

from pulse.contract import EventType
from pulse.sqlfiles import SQL_ROOT
from tests.commands import unique_group
from tests.databases import scratch_database
from tests.integration import activity, harness, reference, seed_data
from tests.integration.reference import Fact, Mapping

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUERIES_DIR = SQL_ROOT / "queries"


@dataclass(frozen=True)
class Loaded:
    url: str
    facts: list[Fact]
    mapping: Mapping


@pytest.fixture(scope="module")
def loaded(
    kafka_bootstrap: str, admin_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    """One database for the whole module: a year of history from the producer and the
    activity simulation, consumed by the real consumer."""
    topic, dlq = f"queries.{uuid.uuid4().hex[:12]}", f"queries-dlq.{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="pulse-tests")
    admin.create_topics([NewTopic(topic, 3, 1), NewTopic(dlq, 1, 1)])
    try:
        start = (datetime.now(UTC) - timedelta(days=364)).date().isoformat()
        produced = subprocess.run(
            [
                *(sys.executable, "-m", "producer", "--count", "30000", "--start", start),
                *("--seed", "11", "--users", "1500", "--topic", topic),
                # The consumer reads `<topic>.catalog` (tests/commands.py): the names.
                *("--catalog-topic", f"{topic}.catalog"),
                *("--bootstrap-servers", kafka_bootstrap, "--no-progress"),
                *("--late-ratio", "0.02", "--duplicate-ratio", "0.02"),
            ],
            cwd=harness.REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert produced.returncode == 0, produced.stderr[-3000:]
        harness.produce(kafka_bootstrap, topic, activity.simulate(3).records())
        # Seed 003's hand-written authors: the simulated history has too few posts in 90
        # days for the coaching segment, and no product page that was ever published.
        harness.produce(kafka_bootstrap, topic, seed_data.build(datetime.now(UTC)).records())
        with scratch_database(admin_database_url, "pulse_queries") as url:
            harness.run_consumer_to_idle(
                timeout=300,
                bootstrap=kafka_bootstrap,
                database_url=url,
                topic=topic,
                dlq_topic=dlq,
                group=unique_group(),
                log_dir=tmp_path_factory.mktemp("consumer"),
            )
            with psycopg.connect(url) as conn:
                facts, mapping = reference.load(conn)
            yield Loaded(url, facts, mapping)
    finally:
        admin.delete_topics([topic, dlq, f"{topic}.catalog"])
        admin.close()


def _rows_and_now(
    url: str, query: str, params: dict[str, Any] | None = None
) -> tuple[list[tuple[Any, ...]], datetime]:
    """The query's rows and the now() it saw (one transaction, so the same instant)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("select now()").fetchone()
        assert row is not None
        rows = conn.execute(query, params).fetchall()
    return [tuple(r) for r in rows], row[0]


def assert_same_rows(
    actual: Sequence[tuple[Any, ...]], expected: Sequence[tuple[Any, ...]], what: str
) -> None:
    have, want = Counter(actual), Counter(expected)
    missing, unexpected = want - have, have - want
    problem = (
        f"{what}: {sum(missing.values())} expected rows missing, e.g. {list(missing)[:3]}; "
        f"{sum(unexpected.values())} unexpected rows, e.g. {list(unexpected)[:3]}"
    )
    assert not missing, problem
    assert not unexpected, problem


Expectation = Callable[[list[Fact], Mapping, datetime], list[tuple[Any, ...]]]

VIEWS: dict[str, Expectation] = {
    "user_engagement": lambda f, m, _: reference.user_engagement(f, m),
    "top_users": lambda f, m, _: reference.top_users(f, m),
    "active_users_daily": lambda f, _m, _n: reference.active_users(f, "day"),
    "active_users_weekly": lambda f, _m, _n: reference.active_users(f, "week"),
    "active_users_monthly": lambda f, _m, _n: reference.active_users(f, "month"),
    "weekly_retention": lambda f, _m, _n: reference.weekly_retention(f),
    "action_trends_by_minute": lambda f, _m, _n: reference.action_trends(f, "minute"),
    "action_trends_by_hour": lambda f, _m, _n: reference.action_trends(f, "hour"),
    "action_trends_by_day": lambda f, _m, _n: reference.action_trends(f, "day"),
    "live_counters": lambda f, _m, now: reference.live_counters(f, now),
    "engagement_by_weekday_hour": lambda f, m, _: reference.engagement_by_weekday_hour(f, m),
    "post_engagement_stats": lambda f, m, _: reference.post_engagement_stats(f, m),
    "top_pages": lambda f, m, _: reference.top_pages(f, m),
    "top_authors_90d": reference.top_authors_90d,
    "author_opportunities": reference.author_opportunities,
    "category_stats": lambda f, m, _: reference.category_stats(f, m),
    "funnel_daily": lambda f, _m, _n: reference.funnel_daily(f),
    "sales_weekly": lambda f, _m, _n: reference.sales(f, "week"),
    "sales_monthly": lambda f, _m, _n: reference.sales(f, "month"),
    "product_popularity": lambda f, m, _n: reference.product_popularity(f, m.names),
}


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_view_equals_a_recomputation_from_the_facts(loaded: Loaded, view: str) -> None:
    rows, now = _rows_and_now(loaded.url, f"select * from {view}")
    expected = VIEWS[view](loaded.facts, loaded.mapping, now)
    assert expected, f"the data set leaves {view} empty: it would prove nothing"
    assert_same_rows(rows, expected, view)


def test_the_views_show_the_catalogs_names_and_count_what_it_lacks(loaded: Loaded) -> None:
    # The producer's catalog names its posts, authors, products and agents; the activity
    # simulation's and the seed's are in no catalog: counted all the same, without a name.
    names = loaded.mapping.names
    assert names.titles
    assert names.authors
    assert names.products
    assert names.teams
    pages, _ = _rows_and_now(loaded.url, "select content_id, title, author_name from top_pages")
    titled = [row for row in pages if row[1] is not None]
    assert len(titled) > len(pages) / 2
    assert any(row[1] is None for row in pages)  # and some pages have no title
    assert all((row[1] is None) == (row[0] not in names.titles) for row in pages)
    authors, _ = _rows_and_now(
        loaded.url, "select author_name, home_category, category from top_authors_90d"
    )
    assert any(name is not None and home != segment for name, home, segment in authors)
    products, _ = _rows_and_now(loaded.url, "select product_name from product_popularity")
    assert sum(name is not None for (name,) in products) > len(products) / 2
    teams, _ = _rows_and_now(loaded.url, "select team from agent_leaderboard")
    assert {team for (team,) in teams} - {None} <= set(names.teams.values())
    assert any(team is not None for (team,) in teams)


def test_team_daily_calls_count_each_agent_day_for_the_team_of_that_day(loaded: Loaded) -> None:
    with psycopg.connect(loaded.url) as conn:
        days = conn.execute(
            "select call_date, agent_id, calls, conversions, upsells, upsell_revenue"
            " from agent_daily_calls"
        ).fetchall()
        versions = conn.execute(
            "select agent_id, valid_from, team from dim_agent order by agent_id, valid_from"
        ).fetchall()
        rows = conn.execute(
            "select call_date, team, active_agents, calls, conversions, upsells,"
            " upsell_revenue from team_daily_calls"
        ).fetchall()
    history: dict[str, list[tuple[datetime, str | None]]] = {}
    for agent_id, valid_from, team in versions:
        history.setdefault(agent_id, []).append((valid_from, team))
    expected: dict[tuple[date, str | None], list[Any]] = {}
    for day, agent_id, calls, conversions, upsells, revenue in days:
        day_end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        agent_versions = history.get(agent_id, [])
        in_force = [team for start, team in agent_versions if start < day_end]
        team = in_force[-1] if in_force else (agent_versions[0][1] if agent_versions else None)
        entry = expected.setdefault((day, team), [0, 0, 0, 0, Decimal(0)])
        for index, value in enumerate((1, calls, conversions, upsells, revenue)):
            entry[index] += value
    assert expected, "no support calls in the data set"
    assert_same_rows(
        [tuple(r) for r in rows],
        [(day, team, *figures) for (day, team), figures in expected.items()],
        "team_daily_calls",
    )


def test_the_data_set_exercises_every_event_type_and_the_live_windows(loaded: Loaded) -> None:
    kinds = Counter(f.event_type for f in loaded.facts)
    assert set(kinds) == {t.value for t in EventType}
    counters, _ = _rows_and_now(loaded.url, "select event_count from live_counters")
    assert all(count > 0 for (count,) in counters[1:]), counters
    versions = Counter(row[0] for row in reference.user_history(loaded.facts))
    assert sum(1 for n in versions.values() if n > 1) >= 10, "too few SCD2 changes"


def test_dim_users_is_the_scd2_history_of_device_and_location(loaded: Loaded) -> None:
    rows, _ = _rows_and_now(
        loaded.url,
        "select user_id, valid_from, valid_to, is_current, device, country, city from dim_users",
    )
    assert_same_rows(rows, reference.user_history(loaded.facts), "dim_users")


def test_fact_user_actions_points_at_the_user_version_in_force(loaded: Loaded) -> None:
    rows, _ = _rows_and_now(loaded.url, "select event_id, user_valid_from from fact_user_actions")
    expected = reference.fact_user_actions(loaded.facts, reference.user_history(loaded.facts))
    assert dict(rows) == expected


def test_dim_actions_maps_every_event_type_of_the_contract(loaded: Loaded) -> None:
    rows, _ = _rows_and_now(loaded.url, "select action_type, engagement_level from dim_actions")
    levels = dict(rows)
    assert set(levels) == {t.value for t in EventType}
    assert {levels["page_create"], levels["purchase"]} == {"high"}
    assert {levels[t] for t in ("page_edit", "comment", "share", "add_to_cart")} == {"medium"}
    assert {levels[t] for t in ("page_view", "click", "like", "search")} == {"low"}


def _busiest_authors(loaded: Loaded, count: int) -> list[str]:
    authors = Counter(f.author_id for f in loaded.facts if f.author_id is not None)
    return [author for author, _ in authors.most_common(count)]


def test_post_engagement_function(loaded: Loaded) -> None:
    stats = {row[0]: row for row in reference.post_engagement_stats(loaded.facts, loaded.mapping)}
    popular = sorted(stats, key=lambda post: (-stats[post][8], post))[:5]
    with psycopg.connect(loaded.url) as conn:
        for post_id in popular:
            rows = conn.execute("select * from post_engagement(%s)", (post_id,)).fetchall()
            assert [tuple(r) for r in rows] == [stats[post_id]]
        assert conn.execute("select * from post_engagement('no-such-post')").fetchall() == []


def test_author_trends_function(loaded: Loaded) -> None:
    with psycopg.connect(loaded.url) as conn:
        row = conn.execute("select (now() at time zone 'UTC')::date").fetchone()
        assert row is not None
        today: date = row[0]
        for author_id in _busiest_authors(loaded, 3):
            for as_of in (today, today - timedelta(days=100)):
                rows = conn.execute(
                    "select * from author_trends(%s, %s)", (author_id, as_of)
                ).fetchall()
                expected = reference.author_trends(loaded.facts, loaded.mapping, author_id, as_of)
                assert [tuple(r) for r in rows] == expected
            default = conn.execute("select * from author_trends(%s)", (author_id,)).fetchall()
            assert [tuple(r) for r in default] == reference.author_trends(
                loaded.facts, loaded.mapping, author_id, today
            )


def test_top_categories_function(loaded: Loaded) -> None:
    expected = reference.top_categories(loaded.facts, loaded.mapping)
    with_shop = reference.top_categories(loaded.facts, loaded.mapping, include_shop=True)
    assert len(with_shop) == len(expected) + 1, "the data set has no product pages"
    with psycopg.connect(loaded.url) as conn:
        rows = conn.execute("select * from top_categories(3)").fetchall()
        default = conn.execute("select * from top_categories()").fetchall()
        everything = conn.execute("select * from top_categories(100, true)").fetchall()
    assert [tuple(r) for r in rows] == expected[:3]
    assert len(default) == min(5, len(expected))
    assert [tuple(r) for r in everything] == with_shop


@pytest.mark.parametrize("include_shop", [False, True])
def test_posting_time_patterns_function(loaded: Loaded, include_shop: bool) -> None:
    rows, _ = _rows_and_now(
        loaded.url,
        "select * from posting_time_patterns(%(include_shop)s)",
        {"include_shop": include_shop},
    )
    expected = reference.posting_time_patterns(
        loaded.facts, loaded.mapping, include_shop=include_shop
    )
    assert expected, "no post was published in the data set"
    assert rows == expected


# -- the example queries (sql/queries), each with its parameters ------------------------


def _params(loaded: Loaded) -> dict[str, Any]:
    posts = reference.post_engagement_stats(loaded.facts, loaded.mapping)
    users = reference.user_history(loaded.facts)
    moved = Counter(row[0] for row in users).most_common(1)[0][0]
    return {
        "limit": 10,
        "days": 30,
        "weeks": 8,
        "cohorts": 4,
        "per_category": 3,
        "include_shop": False,
        "post_id": max(posts, key=lambda row: (row[8], row[0]))[0],
        "author_id": _busiest_authors(loaded, 1)[0],
        "user_id": moved,
        "as_of": max(f.day for f in loaded.facts),
    }


@dataclass(frozen=True)
class _Case:
    facts: list[Fact]
    mapping: Mapping
    now: datetime
    params: dict[str, Any]

    @property
    def today(self) -> date:
        return reference.utc_today(self.now)


def _top_users(c: _Case) -> list[Any]:
    rows = sorted(reference.top_users(c.facts, c.mapping), key=lambda r: (r[0], r[1]))
    return [(r[0], r[1], r[2], r[3], r[5]) for r in rows[: c.params["limit"]]]


def _action_trends(c: _Case) -> list[Any]:
    since = c.today - timedelta(days=c.params["days"] - 1)
    days = reference.action_trends(c.facts, "day")
    return sorted((d.date(), kind, n) for d, kind, n in days if d.date() >= since)


def _top_pages(c: _Case) -> list[Any]:
    rows = sorted(reference.top_pages(c.facts, c.mapping), key=lambda r: (r[0], r[1]))
    return [
        (*r[:4], r[5], r[6], r[8], r[9], r[10], r[11], r[12], r[13])
        for r in rows[: c.params["limit"]]
    ]


def _coaching(c: _Case) -> list[Any]:
    rows = reference.author_opportunities(c.facts, c.mapping, c.now)
    rows = [r for r in rows if r[9] == "high volume, low engagement" and not r[2]]
    rows.sort(key=lambda r: (-r[10], r[0], r[1]))
    return [(r[0], r[1], r[3], r[5], r[6], r[7], r[10]) for r in rows[: c.params["limit"]]]


def _top_authors(c: _Case) -> list[Any]:
    rows = [r for r in reference.top_authors_90d(c.facts, c.mapping, c.now) if not r[10]]
    overall = reference.ranks({(r[0], r[2]): r[8] for r in rows})
    return sorted(
        (r[0], r[1], overall[(r[0], r[2])], *r[2:10], *r[11:])
        for r in rows
        if r[1] <= c.params["per_category"]
    )


def _posting_times(c: _Case) -> list[Any]:
    rows = reference.posting_time_patterns(c.facts, c.mapping)
    rows.sort(key=lambda r: (-r[8], -r[9], r[0], r[2]))
    return [r[1:] for r in rows[: c.params["limit"]]]


def _engagement_patterns(c: _Case) -> list[Any]:
    rows = reference.engagement_by_weekday_hour(c.facts, c.mapping)
    rows.sort(key=lambda r: (-r[7], r[0], r[2]))
    return [(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[9]) for r in rows[: c.params["limit"]]]


def _weekly_retention(c: _Case) -> list[Any]:
    rows = reference.weekly_retention(c.facts)
    recent = sorted({r[0] for r in rows}, reverse=True)[: c.params["cohorts"]]
    return sorted(r for r in rows if r[0] in recent and r[2] <= c.params["weeks"])


def _weekly_sales(c: _Case) -> list[Any]:
    horizon = reference.week_start(c.today) - timedelta(days=7 * c.params["weeks"])
    return sorted(r for r in reference.sales(c.facts, "week") if r[0] > horizon)


def _product_popularity(c: _Case) -> list[Any]:
    rows = reference.product_popularity(c.facts, c.mapping.names)
    keep = sorted((r for r in rows if r[1] <= c.params["limit"]), key=lambda r: r[:3])
    return [(*r[:4], *r[5:]) for r in keep]


def _funnel(c: _Case) -> list[Any]:
    since = c.today - timedelta(days=c.params["days"])
    return sorted((r[0], *r[2:]) for r in reference.funnel_daily(c.facts) if r[0] > since)


QUERIES: dict[str, Callable[[_Case], list[Any]]] = {
    "top_users": _top_users,
    "action_trends": _action_trends,
    "live_counters": lambda c: [
        (r[0], r[4], r[5], r[2], r[3]) for r in reference.live_counters(c.facts, c.now)
    ],
    "top_pages": _top_pages,
    "post_engagement": lambda c: [
        r
        for r in reference.post_engagement_stats(c.facts, c.mapping)
        if r[0] == c.params["post_id"]
    ],
    "top_authors": _top_authors,
    "coaching_opportunities": _coaching,
    "engagement_patterns": _engagement_patterns,
    "posting_times": _posting_times,
    "author_trends": lambda c: reference.author_trends(
        c.facts, c.mapping, c.params["author_id"], c.today
    ),
    "top_categories": lambda c: reference.top_categories(c.facts, c.mapping)[: c.params["limit"]],
    "active_users": lambda c: [_active_users(c.facts, c.params["as_of"])],
    "weekly_retention": _weekly_retention,
    "funnel_conversion": _funnel,
    "monthly_sales": lambda c: sorted(reference.sales(c.facts, "month")),
    "weekly_sales": _weekly_sales,
    "product_popularity": _product_popularity,
    "user_history": lambda c: [
        r[1:] for r in sorted(reference.user_history(c.facts)) if r[0] == c.params["user_id"]
    ],
}


def _active_users(facts: Sequence[Fact], as_of: date) -> tuple[Any, ...]:
    def active(days: int) -> int:
        since = as_of - timedelta(days=days)
        return len({f.user_id for f in facts if since < f.day <= as_of})

    daily, weekly, monthly = active(1), active(7), active(30)
    return (as_of, daily, weekly, monthly, reference.pct(daily, monthly))


@pytest.mark.parametrize("name", sorted(path.stem for path in QUERIES_DIR.glob("*.sql")))
def test_example_query_returns_the_recomputed_rows(loaded: Loaded, name: str) -> None:
    params = _params(loaded)
    query = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    rows, now = _rows_and_now(loaded.url, query, params)
    assert name in QUERIES, f"sql/queries/{name}.sql has no expectation: add one to QUERIES"
    expected = QUERIES[name](_Case(loaded.facts, loaded.mapping, now, params))
    assert rows, f"{name} returned nothing on a year of data"
    assert rows == expected
