"""Independent recomputation, in plain Python from the rows of `events`, of every analytics
view and SQL function: what the tests compare the incrementally maintained SQL against.

Written from the definitions in the migrations' comments, not from their SQL: no window
functions, no percentile_cont, no SQL rounding. The only things read from the database
besides the facts are the event type -> engagement mapping, which lives in one place
(`event_types`, migration 010) by design, and the catalog's current names, an input like
the facts (tests/integration/test_catalog.py checks the dimensions against the topic).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from consumer.store.reconcile import reconciled_aggregates

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CONTENT_TYPES = ("page_view", "click", "like", "comment", "share", "page_edit", "page_create")


@dataclass(frozen=True, slots=True)
class Fact:
    event_id: UUID
    event_type: str
    occurred_at: datetime
    user_id: str
    session_id: str
    device: str
    country: str
    city: str
    content_id: str | None
    author_id: str | None
    category: str | None
    product_id: str | None
    quantity: int | None
    unit_price: Decimal | None
    currency: str | None

    @property
    def day(self) -> date:
        return self.occurred_at.astimezone(UTC).date()


@dataclass(frozen=True, slots=True)
class Names:
    """The catalog's current, undeleted rows: what the views show next to the ids."""

    titles: dict[str, str] = field(default_factory=dict)  # post_id -> title
    authors: dict[str, tuple[str, str]] = field(default_factory=dict)  # name, home category
    products: dict[str, tuple[str, str]] = field(default_factory=dict)  # name, category
    teams: dict[str, str] = field(default_factory=dict)  # agent_id -> team

    def author(self, author_id: str | None) -> tuple[str | None, str | None]:
        return self.authors.get(author_id or "", (None, None))

    def product(self, product_id: str | None) -> tuple[str | None, str | None]:
        return self.products.get(product_id or "", (None, None))


@dataclass(frozen=True, slots=True)
class Mapping:
    level: dict[str, str]
    is_engagement: dict[str, bool]
    names: Names = field(default_factory=Names)


def _names(conn: psycopg.Connection[Any]) -> Names:
    current = " where is_current and not is_deleted"
    return Names(
        titles=dict(conn.execute("select post_id, title from dim_post" + current).fetchall()),
        authors={
            a: (n, c)
            for a, n, c in conn.execute(
                "select author_id, author_name, home_category from dim_author" + current
            )
        },
        products={
            p: (n, c)
            for p, n, c in conn.execute(
                "select product_id, product_name, category from dim_product" + current
            )
        },
        teams=dict(conn.execute("select agent_id, team from dim_agent" + current).fetchall()),
    )


def load(conn: psycopg.Connection[Any]) -> tuple[list[Fact], Mapping]:
    rows = conn.execute(
        "select event_id, event_type, occurred_at, user_id, session_id, device, country,"
        " city, content_id, author_id, category, product_id, quantity, unit_price, currency"
        " from events"
    ).fetchall()
    types = conn.execute(
        "select event_type, engagement_level, is_content_engagement from event_types"
    ).fetchall()
    mapping = Mapping(
        {t: lvl for t, lvl, _ in types}, {t: flag for t, _, flag in types}, _names(conn)
    )
    return [Fact(*row) for row in rows], mapping


# -- arithmetic as the views define it ------------------------------------------------


def rounded(value: Fraction | int, places: int = 2) -> Decimal:
    """Half away from zero, like PostgreSQL's round(numeric)."""
    exact = Fraction(value)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


def pct(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else rounded(Fraction(100 * part, whole))


def ratio(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else rounded(Fraction(part, whole))


def median(values: Sequence[int]) -> Fraction:
    """percentile_cont(0.5): the middle value, or the mean of the two middle values."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def utc_today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def ranks(scores: dict[Any, int]) -> dict[Any, int]:
    """rank() over (order by score desc): 1 + how many score strictly more."""
    return {key: 1 + sum(1 for s in scores.values() if s > score) for key, score in scores.items()}


# -- users -------------------------------------------------------------------------


def user_engagement(facts: Iterable[Fact], mapping: Mapping) -> list[tuple[Any, ...]]:
    by_user: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_user[fact.user_id].append(fact)
    rows = []
    for user_id, own in by_user.items():
        levels = Counter(mapping.level[f.event_type] for f in own)
        high, medium, low = levels["high"], levels["medium"], levels["low"]
        if high >= medium and high >= low:
            top = "high"
        elif medium >= low:
            top = "medium"
        else:
            top = "low"
        signups = [f.occurred_at for f in own if f.event_type == "signup"]
        rows.append(
            (
                user_id,
                min(f.occurred_at for f in own),
                max(f.occurred_at for f in own),
                min(signups) if signups else None,
                len(own),
                high,
                medium,
                low,
                top,
            )
        )
    return rows


def top_users(facts: Iterable[Fact], mapping: Mapping) -> list[tuple[Any, ...]]:
    engagement = {row[0]: row for row in user_engagement(facts, mapping)}
    rank = ranks({user: row[4] for user, row in engagement.items()})
    return [(rank[u], u, row[4], row[8], row[1], row[2]) for u, row in engagement.items()]


def active_users(facts: Iterable[Fact], period: str) -> list[tuple[Any, ...]]:
    users: dict[date, set[str]] = defaultdict(set)
    for fact in facts:
        day = fact.day
        key = {"day": day, "week": week_start(day), "month": day.replace(day=1)}[period]
        users[key].add(fact.user_id)
    return [(key, len(members)) for key, members in users.items()]


def weekly_retention(facts: Sequence[Fact]) -> list[tuple[Any, ...]]:
    signed_up: dict[str, datetime] = {}
    weeks: dict[str, set[date]] = defaultdict(set)
    for fact in facts:
        weeks[fact.user_id].add(week_start(fact.day))
        if fact.event_type == "signup":
            first = signed_up.get(fact.user_id)
            signed_up[fact.user_id] = min(first, fact.occurred_at) if first else fact.occurred_at
    cohorts: dict[date, list[str]] = defaultdict(list)
    for user_id, at in signed_up.items():
        cohorts[week_start(at.astimezone(UTC).date())].append(user_id)
    rows = []
    for cohort, members in cohorts.items():
        active: Counter[int] = Counter()
        for user_id in members:
            for week in weeks[user_id]:
                if week >= cohort:
                    active[(week - cohort).days // 7] += 1
        for number, count in active.items():
            rows.append((cohort, len(members), number, count, pct(count, len(members))))
    return rows


def user_history(facts: Iterable[Fact]) -> list[tuple[Any, ...]]:
    """SCD2 versions: one observation per user per instant (greatest event_id wins); a
    version starts at each change of (device, country, city)."""
    instants: dict[tuple[str, datetime], Fact] = {}
    for fact in facts:
        key = (fact.user_id, fact.occurred_at)
        if key not in instants or fact.event_id > instants[key].event_id:
            instants[key] = fact
    by_user: dict[str, list[Fact]] = defaultdict(list)
    for (user_id, _), fact in instants.items():
        by_user[user_id].append(fact)
    rows = []
    for user_id, observations in by_user.items():
        observations.sort(key=lambda f: f.occurred_at)
        starts: list[Fact] = []
        for fact in observations:
            attributes = (fact.device, fact.country, fact.city)
            if not starts or attributes != (starts[-1].device, starts[-1].country, starts[-1].city):
                starts.append(fact)
        for index, start in enumerate(starts):
            valid_to = starts[index + 1].occurred_at if index + 1 < len(starts) else None
            rows.append(
                (
                    user_id,
                    start.occurred_at,
                    valid_to,
                    valid_to is None,
                    start.device,
                    start.country,
                    start.city,
                )
            )
    return rows


def fact_user_actions(facts: Iterable[Fact], history: Iterable[tuple[Any, ...]]) -> dict[UUID, Any]:
    """event_id -> valid_from of the user's version in force at the event."""
    starts: dict[str, list[datetime]] = defaultdict(list)
    for row in history:
        starts[row[0]].append(row[1])
    return {f.event_id: max(s for s in starts[f.user_id] if s <= f.occurred_at) for f in facts}


# -- trends ------------------------------------------------------------------------


def action_trends(facts: Iterable[Fact], bucket: str) -> list[tuple[Any, ...]]:
    counts: Counter[tuple[datetime, str]] = Counter()
    for fact in facts:
        at = fact.occurred_at.astimezone(UTC)
        start = {
            "minute": at.replace(second=0, microsecond=0),
            "hour": at.replace(minute=0, second=0, microsecond=0),
            "day": at.replace(hour=0, minute=0, second=0, microsecond=0),
        }[bucket]
        counts[(start, fact.event_type)] += 1
    return [(start, kind, count) for (start, kind), count in counts.items()]


def live_counters(facts: Sequence[Fact], now: datetime) -> list[tuple[Any, ...]]:
    end = now.astimezone(UTC).replace(second=0, microsecond=0)
    rows = []
    windows = (("1 minute", 1), ("5 minutes", 5), ("60 minutes", 60), ("24 hours", 1440))
    for name, minutes in windows:
        start = end - timedelta(minutes=minutes)
        count = sum(1 for f in facts if start <= f.occurred_at < end)
        rows.append((name, minutes, start, end, count, rounded(Fraction(count, minutes * 60), 3)))
    return rows


def engagement_by_weekday_hour(facts: Iterable[Fact], mapping: Mapping) -> list[tuple[Any, ...]]:
    slots: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for fact in facts:
        at = fact.occurred_at.astimezone(UTC)
        slots[(at.isoweekday(), at.hour)][fact.event_type] += 1
    engaged = {
        slot: sum(n for kind, n in counts.items() if mapping.is_engagement[kind])
        for slot, counts in slots.items()
    }
    total = sum(engaged.values())
    rows = []
    for weekday in range(1, 8):
        for hour in range(24):
            counts = slots.get((weekday, hour), Counter())
            engagements = engaged.get((weekday, hour), 0)
            rows.append(
                (
                    weekday,
                    WEEKDAYS[weekday - 1],
                    hour,
                    counts["page_view"],
                    counts["like"],
                    counts["comment"],
                    counts["share"],
                    engagements,
                    sum(counts.values()),
                    pct(engagements, total),
                )
            )
    return rows


# -- content -----------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    first: Fact
    published_at: datetime | None
    counts: Counter[str]
    engagements: int


def _items(facts: Iterable[Fact], mapping: Mapping) -> dict[str, _Item]:
    items: dict[str, _Item] = {}
    for fact in facts:
        if fact.content_id is None:
            continue
        item = items.setdefault(fact.content_id, _Item(fact, None, Counter(), 0))
        if (fact.occurred_at, fact.event_id) < (item.first.occurred_at, item.first.event_id):
            item.first = fact
        if fact.event_type == "page_create" and (
            item.published_at is None or fact.occurred_at < item.published_at
        ):
            item.published_at = fact.occurred_at
        item.counts[fact.event_type] += 1
        item.engagements += int(mapping.is_engagement[fact.event_type])
    return items


SHOP = "Shop"  # the category of product pages (producer/catalog.py)


def post_engagement_stats(facts: Iterable[Fact], mapping: Mapping) -> list[tuple[Any, ...]]:
    rows = []
    for content_id, item in _items(facts, mapping).items():
        c = item.counts
        rows.append(
            (
                content_id,
                item.first.author_id,
                item.first.category,
                item.published_at,
                c["page_view"],
                c["like"],
                c["comment"],
                c["share"],
                item.engagements,
                pct(c["like"], c["page_view"]),
                pct(c["like"] + c["comment"] + c["share"], c["page_view"]),
                mapping.names.titles.get(content_id),
                mapping.names.author(item.first.author_id)[0],
            )
        )
    return rows


def top_pages(
    facts: Iterable[Fact], mapping: Mapping, *, include_shop: bool = False
) -> list[tuple[Any, ...]]:
    items = {
        cid: item
        for cid, item in _items(facts, mapping).items()
        if include_shop or item.first.category != SHOP
    }
    actions = {cid: sum(item.counts[t] for t in CONTENT_TYPES) for cid, item in items.items()}
    rank = ranks(actions)
    return [
        (
            rank[cid],
            cid,
            item.first.author_id,
            item.first.category,
            item.published_at,
            actions[cid],
            *(item.counts[t] for t in ("page_view", "click", "like", "comment", "share")),
            item.counts["page_edit"],
            # A product page's title is its product's name.
            mapping.names.titles.get(cid) or mapping.names.product(cid)[0],
            mapping.names.author(item.first.author_id)[0],
        )
        for cid, item in items.items()
    ]


def _author_totals(facts: Iterable[Fact], mapping: Mapping) -> dict[tuple[str, str], Counter[str]]:
    """(category, author) -> posts / per-type counts / engagements, by the events' own
    author and category."""
    totals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for fact in facts:
        if fact.author_id is None or fact.category is None:
            continue
        engaged = mapping.is_engagement[fact.event_type]
        if fact.event_type != "page_create" and not engaged:
            continue
        counts = totals[(fact.category, fact.author_id)]
        counts[fact.event_type] += 1
        counts["engagements"] += int(engaged)
    return totals


def _recent_posts(facts: Iterable[Fact], mapping: Mapping, now: datetime) -> list[_Item]:
    """Items whose page_create falls on one of the last 90 UTC days, today included."""
    since = utc_today(now) - timedelta(days=90)
    return [
        item
        for item in _items(facts, mapping).values()
        if item.published_at is not None and item.published_at.astimezone(UTC).date() > since
    ]


def _add_post(counts: Counter[str], item: _Item) -> None:
    counts["posts"] += 1
    counts.update(item.counts)
    counts["engagements"] += item.engagements


def _post_figures(counts: Counter[str]) -> tuple[Any, ...]:
    """Posts, views, likes, comments, shares, engagements and engagement per post."""
    return (
        counts["posts"],
        *(counts[kind] for kind in ("page_view", "like", "comment", "share")),
        counts["engagements"],
        ratio(counts["engagements"], counts["posts"]),
    )


def top_authors_90d(
    facts: Iterable[Fact], mapping: Mapping, now: datetime
) -> list[tuple[Any, ...]]:
    """Per (category, author): the posts of the window with everything they received."""
    totals: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in _recent_posts(facts, mapping, now):
        assert item.first.category is not None
        assert item.first.author_id is not None
        _add_post(totals[(item.first.category, item.first.author_id)], item)
    rows = []
    for category in {c for c, _ in totals}:
        members = {a: counts for (c, a), counts in totals.items() if c == category}
        rank = ranks({a: counts["engagements"] for a, counts in members.items()})
        for author, c in members.items():
            rows.append(
                (category, rank[author], author, *_post_figures(c), category == SHOP,
                 *mapping.names.author(author))
            )  # fmt: skip
    return rows


def percentile(values: Sequence[Fraction], fraction: Fraction) -> Fraction:
    """percentile_cont: the value at position fraction x (n - 1) of the sorted values,
    interpolated linearly between its two neighbours."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def author_opportunities(
    facts: Iterable[Fact], mapping: Mapping, now: datetime
) -> list[tuple[Any, ...]]:
    """Seed 003's volume_vs_engagement over the posts of the last 90 days: the category's
    median and 75th percentile are over its authors' average engagement per post."""
    per_author: dict[tuple[str, str], list[int]] = defaultdict(list)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in _recent_posts(facts, mapping, now):
        assert item.first.author_id is not None
        assert item.first.category is not None
        per_author[(item.first.author_id, item.first.category)].append(item.engagements)
        counts[(item.first.author_id, item.first.category)].update(item.counts)
    averages: dict[str, list[Fraction]] = defaultdict(list)
    for (_, category), engagements in per_author.items():
        averages[category].append(Fraction(sum(engagements), len(engagements)))
    rows = []
    for (author, category), engagements in per_author.items():
        posts, total = len(engagements), sum(engagements)
        average = Fraction(total, posts)
        mine = counts[(author, category)]
        interactions = mine["like"] + mine["comment"] + mine["share"]
        median_average = percentile(averages[category], Fraction(1, 2))
        p75_average = percentile(averages[category], Fraction(3, 4))
        if posts >= 10 and average < median_average:
            segment = "high volume, low engagement"
        elif posts >= 10 and average >= p75_average:
            segment = "high volume, high engagement"
        elif posts < 5 and average >= p75_average:
            segment = "low volume, high quality"
        else:
            segment = "average"
        score = (median_average - average) * posts if segment.startswith("high volume, low") else 0
        rows.append(
            (
                author,
                category,
                category == SHOP,
                posts,
                total,
                rounded(average),
                pct(interactions, mine["page_view"]),
                rounded(median_average),
                rounded(p75_average),
                segment,
                rounded(score),
            )
        )
    return rows


def category_stats(facts: Iterable[Fact], mapping: Mapping) -> list[tuple[Any, ...]]:
    """One row per category (unranked: `top_categories` ranks them)."""
    totals = _author_totals(facts, mapping)
    categories = {c for c, _ in totals}
    rows = []
    for category in categories:
        members = {a: n for (c, a), n in totals.items() if c == category}
        posts = sum(n["page_create"] for n in members.values())
        engagement = sum(n["engagements"] for n in members.values())
        top = min(members, key=lambda a: (-members[a]["engagements"], a))
        rows.append(
            (
                category,
                category == SHOP,
                len(members),
                posts,
                engagement,
                ratio(engagement, posts),
                top,
                members[top]["engagements"],
                mapping.names.author(top)[0],
            )
        )
    return rows


def top_categories(
    facts: Iterable[Fact], mapping: Mapping, *, include_shop: bool = False
) -> list[tuple[Any, ...]]:
    """Every category taking part, ranked by engagement, in (rank, category) order."""
    rows = [r for r in category_stats(facts, mapping) if include_shop or not r[1]]
    rank = ranks({r[0]: r[4] for r in rows})
    return sorted((rank[r[0]], r[0], *r[2:]) for r in rows)


def posting_time_patterns(
    facts: Iterable[Fact], mapping: Mapping, *, include_shop: bool = False
) -> list[tuple[Any, ...]]:
    """Posts by the UTC ISO weekday x hour of their page_create, with all they received."""
    slots: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for item in _items(facts, mapping).values():
        if item.published_at is None or (item.first.category == SHOP and not include_shop):
            continue
        at = item.published_at.astimezone(UTC)
        _add_post(slots[(at.isoweekday(), at.hour)], item)
    total = sum(c["engagements"] for c in slots.values())
    return [
        (weekday, WEEKDAYS[weekday - 1], hour, *_post_figures(c), pct(c["engagements"], total))
        for (weekday, hour), c in sorted(slots.items())
    ]


def author_trends(
    facts: Iterable[Fact], mapping: Mapping, author_id: str, as_of: date
) -> list[tuple[Any, ...]]:
    own = [f for f in facts if f.author_id == author_id]
    rows = []
    for days in (7, 30):
        current = [f for f in own if as_of - timedelta(days=days) < f.day <= as_of]
        previous = [
            f
            for f in own
            if as_of - timedelta(days=2 * days) < f.day <= as_of - timedelta(days=days)
        ]
        posts = sum(1 for f in current if f.event_type == "page_create")
        engaged = sum(1 for f in current if mapping.is_engagement[f.event_type])
        before = sum(1 for f in previous if mapping.is_engagement[f.event_type])
        rows.append(
            (
                days,
                as_of - timedelta(days=days - 1),
                as_of,
                posts,
                engaged,
                ratio(engaged, posts),
                before,
                pct(engaged - before, before),
            )
        )
    return rows


# -- funnel and sales ----------------------------------------------------------------


def funnel_daily(facts: Iterable[Fact]) -> list[tuple[Any, ...]]:
    sessions: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        sessions[(fact.user_id, fact.session_id)].append(fact)
    days: dict[date, Counter[str]] = defaultdict(Counter)
    for own in sessions.values():
        kinds = {f.event_type for f in own}
        viewed = "page_view" in kinds
        carted = viewed and "add_to_cart" in kinds
        bought = carted and "purchase" in kinds
        day = min(f.occurred_at for f in own).astimezone(UTC).date()
        days[day].update(sessions=1, viewed=viewed, carted=carted, bought=bought)
    return [
        (
            day,
            n["sessions"],
            n["viewed"],
            n["carted"],
            n["bought"],
            pct(n["carted"], n["viewed"]),
            pct(n["bought"], n["carted"]),
            pct(n["bought"], n["viewed"]),
        )
        for day, n in days.items()
    ]


def sales(facts: Iterable[Fact], period: str) -> list[tuple[Any, ...]]:
    totals: dict[tuple[date, str], list[Any]] = {}
    for fact in facts:
        if fact.event_type != "purchase":
            continue
        assert fact.quantity is not None
        assert fact.unit_price is not None
        assert fact.currency is not None
        key_day = week_start(fact.day) if period == "week" else fact.day.replace(day=1)
        entry = totals.setdefault((key_day, fact.currency), [0, 0, Decimal(0)])
        entry[0] += 1
        entry[1] += fact.quantity
        entry[2] += fact.quantity * fact.unit_price
    return [
        (day, currency, orders, units, revenue, rounded(Fraction(revenue) / orders))
        for (day, currency), (orders, units, revenue) in totals.items()
    ]


def product_popularity(facts: Iterable[Fact], names: Names | None = None) -> list[tuple[Any, ...]]:
    names = names or Names()
    totals: dict[tuple[str, str], list[Any]] = {}
    for fact in facts:
        if fact.product_id is None:
            continue
        assert fact.currency is not None
        assert fact.quantity is not None
        entry = totals.setdefault((fact.currency, fact.product_id), [0, 0, 0, 0, Decimal(0)])
        if fact.event_type == "add_to_cart":
            entry[0] += 1
        elif fact.event_type == "remove_from_cart":
            entry[1] += 1
        elif fact.event_type == "purchase":
            assert fact.unit_price is not None
            entry[2] += 1
            entry[3] += fact.quantity
            entry[4] += fact.quantity * fact.unit_price
    rows = []
    for currency in {c for c, _ in totals}:
        members = {p: e for (c, p), e in totals.items() if c == currency}
        rank = ranks({p: e[3] for p, e in members.items()})
        for product, (adds, removes, orders, units, revenue) in members.items():
            rows.append(
                (currency, rank[product], product, adds, removes, orders, units, revenue,
                 pct(orders, adds), *names.product(product))
            )  # fmt: skip
    return rows


def stored_aggregates(url: str) -> dict[str, Counter[tuple[Any, ...]]]:
    """Every reconciled aggregate table's rows, as multisets: to compare two databases."""
    with psycopg.connect(url) as conn:
        return {
            name: Counter(
                tuple(tuple(v) if isinstance(v, list) else v for v in row)
                for row in conn.execute(sql.SQL("select * from {}").format(sql.Identifier(name)))
            )
            for name in reconciled_aggregates()
        }
