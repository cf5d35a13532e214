"""Answers about users and activity: leaders, active users, retention, history, trends."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from api.models.base import Row


class TopUser(Row):
    action_rank: int
    user_id: str
    action_count: int
    top_engagement_level: str | None = Field(description="high, medium or low")
    last_seen_at: datetime


class ActiveUsers(Row):
    """DAU, WAU and MAU as of a UTC day, and stickiness (DAU / MAU in %)."""

    as_of_date: date
    daily_active_users: int
    weekly_active_users: int
    monthly_active_users: int
    stickiness_pct: float | None


class RetentionCell(Row):
    """The share of a signup cohort (ISO week) active `week_number` weeks later."""

    cohort_week_start_date: date
    cohort_users: int
    week_number: int
    active_users: int
    retention_pct: float


class UserVersion(Row):
    """One version of a user's device and location (SCD type 2)."""

    valid_from: datetime
    valid_to: datetime | None = Field(description="Null for the current version")
    is_current: bool
    device: str
    country: str
    city: str


class ActionTrend(Row):
    activity_date: date
    event_type: str
    event_count: int


class LiveCounter(Row):
    """Events in the last complete minutes of a window."""

    window_name: str
    event_count: int
    events_per_second: float
    window_started_at: datetime
    window_ended_at: datetime
