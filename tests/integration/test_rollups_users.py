"""The user rollups of issue 17 with hand-written events through the real broker and
consumer, expected figures worked out by hand: exact DAU / WAU / MAU from the per-gap
counts (`active_user_days_by_gap`) while late days split a user's gaps, and weekly
retention by signup cohort (`weekly_cohort_activity`) while a late signup moves a user to
an earlier cohort."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from consumer.store.reconcile import reconcile
from pulse.sqlfiles import SQL_ROOT
from tests.integration.handwritten import ANCHOR, Pipeline, at, event

pytestmark = pytest.mark.integration

ACTIVE_USERS = (SQL_ROOT / "queries" / "active_users.sql").read_text(encoding="utf-8")


@pytest.fixture
def pipeline(
    kafka_bootstrap: str, database_url: str, topic_factory: Callable[..., str], tmp_path: Path
) -> Pipeline:
    return Pipeline(
        kafka_bootstrap, database_url, topic_factory("events", 3), topic_factory("dlq", 1), tmp_path
    )


def _day(offset: int) -> date:
    return ANCHOR + timedelta(days=offset)


def _query(url: str, text: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(row) for row in conn.execute(text, params).fetchall()]


def _active_users(url: str, as_of: int) -> tuple[int, int, int]:
    rows = _query(url, ACTIVE_USERS, {"as_of": _day(as_of)})
    [(as_of_date, daily, weekly, monthly, _stickiness)] = rows
    assert as_of_date == _day(as_of)
    return daily, weekly, monthly


def _assert_no_drift(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        assert [(r.aggregate, r.examples) for r in reconcile(conn) if r.drift] == []


def _logins(user: str, *days: int) -> list[dict[str, Any]]:
    return [event("login", user, at(day)) for day in days]


def test_active_users_stay_exact_when_late_days_split_a_users_gaps(pipeline: Pipeline) -> None:
    # Day numbers are relative to ANCHOR (day 0). First round, in order:
    #   alice 10 days apart: -10, 0, +5    bob 41 days apart: -40, +1
    #   carol -3    dave twice on day 0    frank -25
    first = [
        *_logins("alice", -10, 0, 5),
        *_logins("bob", -40, 1),
        *_logins("carol", -3),
        *_logins("dave", 0, 0),
        *_logins("frank", -25),
    ]
    pipeline.send(first)
    url = pipeline.database_url
    # As of +1: DAU bob; WAU (-5..+1) alice, bob, carol, dave; MAU (-28..+1) adds frank.
    assert _active_users(url, 1) == (1, 4, 5)
    gaps = "select activity_date, days_since_previous, users from active_user_days_by_gap"
    assert sorted(_query(url, gaps)) == [
        (_day(-40), 30, 1),  # bob, first day
        (_day(-25), 30, 1),  # frank
        (_day(-10), 30, 1),  # alice
        (_day(-3), 30, 1),  # carol
        (_day(0), 10, 1),  # alice, 10 days after -10
        (_day(0), 30, 1),  # dave (two events, one user-day)
        (_day(1), 30, 1),  # bob, 41 days after -40: "30 or more"
        (_day(5), 5, 1),  # alice
    ]

    # Second round: late days inside the gaps, a re-sent event, a new user.
    #   alice -2: between -10 and 0, so day 0 is now 2 days after her previous day
    #   bob -20: between -40 and +1, so +1 is now 21 days after his previous day
    second = [
        *_logins("alice", -2),
        *_logins("bob", -20),
        first[5],  # carol's -3, sent again
        *_logins("erin", 1),
    ]
    pipeline.send(second)
    assert sorted(_query(url, gaps)) == [
        (_day(-40), 30, 1),
        (_day(-25), 30, 1),
        (_day(-20), 20, 1),  # bob's late day, 20 after -40
        (_day(-10), 30, 1),
        (_day(-3), 30, 1),
        (_day(-2), 8, 1),  # alice's late day, 8 after -10
        (_day(0), 2, 1),  # alice's day 0 moved from gap 10 (that row fell to 0: deleted)
        (_day(0), 30, 1),
        (_day(1), 21, 1),  # bob's +1 moved from 30 to 21 ...
        (_day(1), 30, 1),  # ... and erin arrived there
        (_day(5), 5, 1),
    ]
    # As of +1: DAU bob, erin. WAU (-5..+1): alice (counted once, on -2, not again on 0),
    # bob, carol, dave, erin. MAU (-28..+1): those and frank; bob once, on -20.
    assert _active_users(url, 1) == (2, 5, 6)
    # As of 0: DAU alice, dave; WAU (-6..0) alice, carol, dave; MAU (-29..0) bob, frank too.
    assert _active_users(url, 0) == (2, 3, 5)
    # As of -20: DAU bob; WAU (-26..-20) bob, frank; MAU (-49..-20) bob (once), frank.
    assert _active_users(url, -20) == (1, 2, 2)
    # A day without activity (WAU -3..+3: all but frank; MAU -26..+3: all six), and one
    # before all of it.
    assert _active_users(url, 3) == (0, 5, 6)
    assert _active_users(url, -60) == (0, 0, 0)
    daily = "select active_users from active_users_daily where activity_date = %(day)s"
    assert _query(url, daily, {"day": _day(1)}) == [(2,)]
    _assert_no_drift(url)
