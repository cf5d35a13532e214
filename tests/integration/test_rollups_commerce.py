"""The commerce rollups of issue 17 with hand-written events through the real broker and
consumer, expected figures worked out by hand: the per-day funnel counts
(`daily_session_funnels`) while late events move a session to an earlier day or down the
funnel, and the all-time totals per product (`product_sales`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pulse.sqlfiles import SQL_ROOT
from tests.integration.handwritten import ANCHOR, Pipeline, assert_no_drift, at, event, rows

pytestmark = pytest.mark.integration

FUNNEL = (SQL_ROOT / "queries" / "funnel_conversion.sql").read_text(encoding="utf-8")
POPULARITY = (SQL_ROOT / "queries" / "product_popularity.sql").read_text(encoding="utf-8")
FUNNEL_DAYS = (
    "select activity_date, sessions, viewed_sessions, carted_sessions, purchased_sessions"
    " from daily_session_funnels"
)
PRODUCT_TOTALS = (
    "select product_id, currency, cart_adds, cart_removes, orders, units_sold, revenue"
    " from product_sales"
)


@pytest.fixture
def pipeline(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> Pipeline:
    return Pipeline(
        kafka_bootstrap, database_url, topic_factory("events", 3), topic_factory("dlq", 1), tmp_path
    )


def _day(offset: int) -> date:
    return ANCHOR + timedelta(days=offset)


def _view(user: str, when: datetime) -> dict[str, Any]:
    page = {"content_id": "p1", "author_id": "shop", "category": "Shop"}
    return event("page_view", user, when, session=f"s-{user}", **page)


def _cart(kind: str, user: str, when: datetime, line: tuple[str, int, str, str]) -> dict[str, Any]:
    """A cart event of `line`: (product, units, unit price, currency)."""
    product, units, price, currency = line
    fields: dict[str, Any] = {
        "product_id": product, "quantity": units, "unit_price": price, "currency": currency,
    }  # fmt: skip
    if kind == "purchase":
        fields["order_id"] = f"o-{user}-{product}"
    return event(kind, user, when, session=f"s-{user}", **fields)


def test_funnel_days_and_product_totals_follow_late_and_repeated_events(
    pipeline: Pipeline,
) -> None:
    # Day numbers relative to ANCHOR; one session per user (s-<user>).
    u4_purchase = _cart("purchase", "u4", at(2, 11, 2), ("p2", 1, "5.50", "EUR"))
    first = [
        _view("u1", at(2, 10)),
        _cart("add_to_cart", "u1", at(2, 10, 5), ("p1", 2, "10.00", "USD")),
        _view("u2", at(1, 23, 50)),
        _cart("add_to_cart", "u3", at(2, 9), ("p1", 1, "10.00", "USD")),  # carted, never viewed
        _view("u4", at(2, 11)),
        _cart("add_to_cart", "u4", at(2, 11, 1), ("p2", 1, "5.50", "EUR")),
        u4_purchase,
        event("login", "u7", at(5), session="s-u7"),
    ]
    pipeline.send(first)
    url = pipeline.database_url
    assert sorted(rows(url, FUNNEL_DAYS)) == [
        (_day(1), 1, 1, 0, 0),  # u2 viewed
        (_day(2), 3, 2, 2, 1),  # u1 viewed + carted, u3 carted only, u4 all the way
        (_day(5), 1, 0, 0, 0),  # u7
    ]

    second = [
        _cart("purchase", "u1", at(2, 10, 20), ("p1", 2, "10.00", "USD")),  # u1 buys
        _view("u3", at(1, 22)),  # late: u3's session started on day 1, with a view
        _cart("remove_from_cart", "u3", at(2, 9, 10), ("p1", 1, "10.00", "USD")),
        u4_purchase,  # sent again
        _view("u5", at(3)),
        event("login", "u7", at(4), session="s-u7"),  # late: u7's session started on day 4
        _cart("purchase", "u8", at(3, 8), ("p1", 3, "9.99", "USD")),
        _cart("purchase", "u9", at(3, 9), ("p3", 7, "1.00", "USD")),
    ]
    pipeline.send(second)
    assert sorted(rows(url, FUNNEL_DAYS)) == [
        (_day(1), 2, 2, 1, 0),  # u2; u3, viewed (late) and carted
        (_day(2), 2, 2, 2, 2),  # u1 and u4, all the way
        (_day(3), 3, 1, 0, 0),  # u5 viewed; u8, u9 bought without a view
        (_day(4), 1, 0, 0, 0),  # u7 (day 5 lost its only session: deleted)
    ]
    days = (datetime.now(UTC).date() - ANCHOR).days + 1  # back to day 0
    pct = Decimal
    assert rows(url, FUNNEL, {"days": days}) == [
        (_day(1), 2, 1, 0, pct("50.00"), pct("0.00"), pct("0.00")),
        (_day(2), 2, 2, 2, pct("100.00"), pct("100.00"), pct("100.00")),
        (_day(3), 1, 0, 0, pct("0.00"), None, pct("0.00")),
        (_day(4), 0, 0, 0, None, None, None),
    ]
    assert rows(url, FUNNEL, {"days": days - 3}) == rows(url, FUNNEL, {"days": days})[2:]

    assert sorted(rows(url, PRODUCT_TOTALS)) == [
        # u1's and u3's carts, u3's removal; u1's 2 x 10.00 and u8's 3 x 9.99
        ("p1", "USD", 2, 1, 2, 5, pct("49.97")),
        ("p2", "EUR", 1, 0, 1, 1, pct("5.50")),  # u4, counted once
        ("p3", "USD", 0, 0, 1, 7, pct("7.00")),  # u9
    ]
    # (No catalog was sent: no product names and categories.)
    assert rows(url, POPULARITY, {"limit": 10}) == [
        ("EUR", 1, "p2", 1, 1, 1, pct("5.50"), pct("100.00"), None, None),
        ("USD", 1, "p3", 0, 1, 7, pct("7.00"), None, None, None),
        ("USD", 2, "p1", 2, 2, 5, pct("49.97"), pct("100.00"), None, None),
    ]
    assert rows(url, POPULARITY, {"limit": 1}) == rows(url, POPULARITY, {"limit": 10})[:2]
    assert_no_drift(url)
