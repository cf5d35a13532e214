"""Answers about support calls: the agent leaderboard, days, and conversion drops."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.models.base import Money, Row


class AgentStanding(Row):
    """An agent over the last 30 UTC days, ranked by conversion rate, then upsell revenue."""

    agent_rank: int
    agent_id: str
    agent_name: str | None
    team: str | None = Field(None, description="The agent's current team in the catalog")
    calls: int
    conversions: int
    conversion_rate_pct: float | None
    upsells: int
    upsell_revenue: Money
    avg_duration_seconds: float | None
    positive_pct: float | None
    negative_pct: float | None


class CallDay(Row):
    call_date: date
    active_agents: int | None
    calls: int
    conversions: int
    conversion_rate_pct: float | None
    upsells: int
    upsell_rate_pct: float | None
    upsell_revenue: Money
    avg_upsell_amount: Money | None
    avg_duration_seconds: float | None
    positive_calls: int
    neutral_calls: int
    negative_calls: int
    positive_pct: float | None
    negative_pct: float | None


class TeamCallDay(CallDay):
    """A UTC day of one team: each agent's day counts for the team the catalog had them in
    at the end of that day."""

    team: str | None = Field(None, description="null: agents the catalog has not placed")


class ConversionDrop(Row):
    """An agent whose conversion rate fell from one ISO week to the next."""

    agent_id: str
    agent_name: str | None
    week_start_date: date
    calls: int
    conversion_rate_pct: float
    previous_calls: int
    previous_conversion_rate_pct: float
    change_pct_points: float
