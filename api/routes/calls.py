"""Support-call endpoints: the agent leaderboard, calls per day and per team, conversion
drops."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.caching import cached_json
from api.database import Database
from api.models.base import Page
from api.models.calls import AgentStanding, CallDay, ConversionDrop, TeamCallDay
from api.models.service import ERROR_RESPONSES
from api.paging import Paging, database, page_of, paging

router = APIRouter(prefix="/calls", tags=["support calls"], responses=ERROR_RESPONSES)
Db = Annotated[Database, Depends(database)]


@router.get("/agents/leaderboard", response_model=Page[AgentStanding])
async def agent_leaderboard(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(10))]
) -> Response:
    """Agents over the last 30 UTC days by conversion rate, then upsell revenue
    (`sql/api/agent_leaderboard.sql`)."""
    rows = await db.rows("api/agent_leaderboard", {"limit": page.limit + 1, "offset": page.offset})
    return cached_json(request, page_of(rows, AgentStanding, page, paged_in_sql=True))


@router.get("/daily", response_model=Page[CallDay])
async def daily_calls(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    days: Annotated[int, Query(ge=1, le=366, description="UTC days back, today included")] = 30,
) -> Response:
    """Calls, conversions, upsells and sentiment per UTC day, newest first
    (`sql/api/daily_call_summary.sql`)."""
    rows = await db.rows("api/daily_call_summary", {"days": days})
    return cached_json(request, page_of(rows, CallDay, page))


@router.get("/teams/daily", response_model=Page[TeamCallDay])
async def team_daily_calls(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    days: Annotated[int, Query(ge=1, le=366, description="UTC days back, today included")] = 30,
) -> Response:
    """Calls, conversions, upsells and sentiment per UTC day and team, newest first; an
    agent's day counts for the team they were in at its end (`sql/api/team_daily_calls.sql`)."""
    rows = await db.rows("api/team_daily_calls", {"days": days})
    return cached_json(request, page_of(rows, TeamCallDay, page))


@router.get("/agents/conversion-drops", response_model=Page[ConversionDrop])
async def conversion_drops(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    weeks: Annotated[int, Query(ge=1, le=104, description="ISO weeks back, this one included")] = 4,
) -> Response:
    """Agents whose conversion rate fell from one ISO week to the next
    (`sql/api/agent_conversion_drops.sql`)."""
    rows = await db.rows("api/agent_conversion_drops", {"weeks": weeks})
    return cached_json(request, page_of(rows, ConversionDrop, page))
