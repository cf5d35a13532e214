"""Every value the contract and the enrichment accept fits its fact column and every
aggregate column it feeds. The bounds are found by asking the contract itself (the
largest value it accepts, by search), not copied from it, and the column types are read
from the migrated database: neither side can drift without this failing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from consumer.calls.text import amounts
from consumer.store.facts import FACT_COLUMNS, fact_row
from pulse.contract import EVENT_ADAPTER, TimeWindow
from tests.integration import harness

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
WINDOW = TimeWindow(NOW, timedelta(days=400), timedelta(minutes=5))
# A day's orders the money aggregates must hold at the largest order value, at least.
ORDERS_PER_DAY = 10_000_000


def _template(event_type: str) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema_version": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": NOW.isoformat(),
        "user_id": "u1",
        "session_id": "s1",
        "device": "mobile",
        "location": {"country": "DE", "city": "Berlin"},
    }
    extra: dict[str, dict[str, Any]] = {
        "purchase": {
            "product_id": "p1", "order_id": "o1", "quantity": 1, "unit_price": "1.00",
            "currency": "USD",
        },
        "search": {"query": "kafka", "results_count": 0},
        "support_call": {
            "call_id": "c1", "agent_id": "a1", "agent_name": "Dana", "duration_seconds": 1,
            "transcript": "Agent: hello",
        },
    }  # fmt: skip
    return base | extra[event_type]


def _accepts(event_type: str, field: str, value: Any) -> bool:
    event = _template(event_type) | {field: value}
    try:
        EVENT_ADAPTER.validate_json(json.dumps(event), context={"window": WINDOW})
    except ValueError:
        return False
    return True


def _largest(accepted: Callable[[int], bool]) -> int:
    """The largest n >= 1 with accepted(n), for a monotone predicate (None: unbounded)."""
    assert accepted(1)
    high = 2
    while accepted(high):
        high *= 2
        assert high < 2**200, "the contract sets no upper bound"
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if accepted(middle) else (low, middle)
    return low


def _largest_money(event_type: str, field: str) -> Decimal:
    digits = _largest(lambda n: _accepts(event_type, field, f"{'9' * n}.99"))
    return Decimal(f"{'9' * digits}.99")


def _column_type(conn: psycopg.Connection[Any], table: str, column: str) -> str:
    row = conn.execute(
        "select format_type(atttypid, atttypmod) from pg_attribute"
        " where attrelid = %s::regclass and attname = %s",
        (table, column),
    ).fetchone()
    assert row is not None, f"{table}.{column} is gone"
    return str(row[0])


def _fits(conn: psycopg.Connection[Any], value: Any, pg_type: str) -> bool:
    try:
        with conn.transaction():
            conn.execute(f"select %s::{pg_type}", (value,))  # the type comes from the catalog
    except psycopg.errors.DataError:
        return False
    return True


@pytest.fixture
def migrated(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    harness.migrate(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.mark.parametrize(
    ("event_type", "field", "column"),
    [
        ("purchase", "quantity", "quantity"),
        ("search", "results_count", "results_count"),
        ("support_call", "duration_seconds", "duration_seconds"),
    ],
)
def test_the_largest_accepted_integer_fits_its_fact_column(
    migrated: psycopg.Connection[Any], event_type: str, field: str, column: str
) -> None:
    largest = _largest(lambda n: _accepts(event_type, field, n))
    event = EVENT_ADAPTER.validate_json(
        json.dumps(_template(event_type) | {field: largest}), context={"window": WINDOW}
    )
    stored = fact_row(event, "t", 0, 0)[FACT_COLUMNS.index(column)]
    assert _fits(migrated, stored, _column_type(migrated, "events", column))


def test_the_largest_accepted_price_fits_the_facts_and_a_day_of_such_orders_the_sums(
    migrated: psycopg.Connection[Any],
) -> None:
    price = _largest_money("purchase", "unit_price")
    quantity = _largest(lambda n: _accepts("purchase", "quantity", n))
    assert _fits(migrated, price, _column_type(migrated, "events", "unit_price"))
    day = price * quantity * ORDERS_PER_DAY
    for table in ("daily_sales", "product_daily_sales"):
        assert _fits(migrated, day, _column_type(migrated, table, "revenue")), table


def test_the_largest_upsell_amount_enrichment_reports_fits_its_columns(
    migrated: psycopg.Connection[Any],
) -> None:
    largest = _largest(lambda n: bool(amounts(f"I can offer it for ${'9' * n}.99 today")))
    amount = Decimal(f"{'9' * largest}.99")
    assert amounts(f"only ${amount}") == [amount]
    assert _fits(migrated, amount, _column_type(migrated, "support_calls", "upsell_amount"))
    day = amount * ORDERS_PER_DAY
    for table in ("agent_daily_calls", "daily_call_metrics"):
        assert _fits(migrated, day, _column_type(migrated, table, "upsell_revenue")), table
