"""The user rollups of issue 17 with hand-written events through the real broker and
consumer, expected figures worked out by hand: exact DAU / WAU / MAU from the per-gap
counts (`active_user_days_by_gap`) while late days split a user's gaps, and weekly
retention by signup cohort (`weekly_cohort_activity`) while a late signup moves a user to
an earlier cohort."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pulse.sqlfiles import SQL_ROOT
from tests.integration.handwritten import ANCHOR, Pipeline, assert_no_drift, at, event, rows

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


def _active_users(url: str, as_of: int) -> tuple[int, int, int]:
    [(as_of_date, daily, weekly, monthly, _stickiness)] = rows(
        url, ACTIVE_USERS, {"as_of": _day(as_of)}
    )
    assert as_of_date == _day(as_of)
    return daily, weekly, monthly


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
    assert sorted(rows(url, gaps)) == [
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
    assert sorted(rows(url, gaps)) == [
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
    assert rows(url, daily, {"day": _day(1)}) == [(2,)]
    assert_no_drift(url)


RETENTION = (SQL_ROOT / "queries" / "weekly_retention.sql").read_text(encoding="utf-8")
COHORT_CELLS = (
    "select cohort_week_start_date, week_number, active_users from weekly_cohort_activity"
)


def _week(number: int) -> date:
    return _day(7 * number)  # ANCHOR is a Monday: week W<number> of the tests


def test_retention_counts_follow_a_late_signup_to_an_earlier_cohort(pipeline: Pipeline) -> None:
    # Day numbers relative to ANCHOR, a Monday: W0 is days 0-6, W1 days 7-13, ...
    first = [
        event("signup", "ann", at(0)),
        *_logins("ann", 8, 22),
        event("signup", "ben", at(3)),
        *_logins("ben", 9),
        event("signup", "cat", at(10)),
        *_logins("cat", 15, 16),
        *_logins("dan", 2),  # no signup seen: no cohort
    ]
    pipeline.send(first)
    url = pipeline.database_url
    assert sorted(rows(url, COHORT_CELLS)) == [
        (_week(0), 0, 2),  # ann, ben
        (_week(0), 1, 2),  # ann on 8, ben on 9
        (_week(0), 3, 1),  # ann on 22
        (_week(1), 0, 1),  # cat
        (_week(1), 1, 1),  # cat on 15 and 16: one week
    ]

    second = [
        event("signup", "cat", at(4)),  # late: cat signed up in W0 after all
        *_logins("ben", 30),  # W4
        first[4],  # ben's 9, sent again
        event("signup", "eve", at(21)),  # W3
        *_logins("eve", 29),
        event("signup", "dan", at(20)),  # W2, after his W0 activity
        event("signup", "ann", at(23)),  # a later signup moves nobody
    ]
    pipeline.send(second)
    assert sorted(rows(url, COHORT_CELLS)) == [
        (_week(0), 0, 3),  # ann, ben, cat (her signup on 4 is W0 activity)
        (_week(0), 1, 3),  # ann, ben, cat on 10
        (_week(0), 2, 1),  # cat on 15 and 16
        (_week(0), 3, 1),  # ann on 22 and 23
        (_week(0), 4, 1),  # ben on 30
        (_week(2), 0, 1),  # dan; his W0 day is before his cohort
        (_week(3), 0, 1),  # eve
        (_week(3), 1, 1),  # eve on 29
    ]  # cat's W1 rows fell to 0 and were deleted
    cohorts = "select user_id, cohort_week_start_date from user_signup_cohorts"
    assert sorted(rows(url, cohorts)) == [
        ("ann", _week(0)), ("ben", _week(0)), ("cat", _week(0)), ("dan", _week(2)),
        ("eve", _week(3)),
    ]  # fmt: skip

    full, third = Decimal("100.00"), Decimal("33.33")
    assert rows(url, RETENTION, {"cohorts": 2, "weeks": 1}) == [
        (_week(2), 1, 0, 1, full),
        (_week(3), 1, 0, 1, full),
        (_week(3), 1, 1, 1, full),
    ]
    assert rows(url, RETENTION, {"cohorts": 3, "weeks": 3})[:4] == [
        (_week(0), 3, 0, 3, full),
        (_week(0), 3, 1, 3, full),
        (_week(0), 3, 2, 1, third),
        (_week(0), 3, 3, 1, third),
    ]
    view = "select * from weekly_retention where cohort_week_start_date = %(week)s"
    assert len(rows(url, view, {"week": _week(0)})) == 5
    assert_no_drift(url)
