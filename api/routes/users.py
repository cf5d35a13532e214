"""User and activity endpoints: top users, active users, retention, a user's history,
action trends and the live counters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from api.caching import cached_json
from api.database import Database
from api.errors import NotFoundError
from api.models.base import Page
from api.models.service import ERROR_RESPONSES, ErrorBody
from api.models.users import (
    ActionTrend,
    ActiveUsers,
    LiveCounter,
    RetentionCell,
    TopUser,
    UserVersion,
)
from api.paging import Paging, database, page_of, paging

router = APIRouter(tags=["users and activity"], responses=ERROR_RESPONSES)
Db = Annotated[Database, Depends(database)]


class UserHistory(BaseModel):
    user_id: str
    versions: list[UserVersion]


class LiveCounters(BaseModel):
    windows: list[LiveCounter]


@router.get("/users/top", response_model=Page[TopUser])
async def top_users(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(10))]
) -> Response:
    """Users by action count, all time, with their most frequent engagement level
    (`top_users.sql`)."""
    rows = await db.rows("queries/top_users", {"limit": page.fetch})
    return cached_json(request, page_of(rows, TopUser, page))


@router.get("/users/active", response_model=ActiveUsers)
async def active_users(
    request: Request,
    db: Db,
    as_of: Annotated[
        date | None, Query(description="A UTC day, YYYY-MM-DD (default: today)")
    ] = None,
) -> Response:
    """DAU, WAU, MAU and stickiness as of a UTC day (`active_users.sql`)."""
    day = as_of or datetime.now(UTC).date()
    rows = await db.rows("queries/active_users", {"as_of": day})
    return cached_json(request, ActiveUsers.model_validate(rows[0]))


@router.get(
    "/users/{user_id}/history",
    response_model=UserHistory,
    responses={404: {"model": ErrorBody, "description": "Never seen"}},
)
async def user_history(
    request: Request, db: Db, user_id: Annotated[str, Path(min_length=1, max_length=200)]
) -> Response:
    """A user's device and location history, oldest first (`user_history.sql`)."""
    rows = await db.rows("queries/user_history", {"user_id": user_id})
    if not rows:
        raise NotFoundError(f"user {user_id!r} not found: no event of this user_id was stored")
    versions = [UserVersion.model_validate(row) for row in rows]
    return cached_json(request, UserHistory(user_id=user_id, versions=versions))


@router.get("/retention/weekly", response_model=Page[RetentionCell])
async def weekly_retention(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    cohorts: Annotated[
        int, Query(ge=1, le=104, description="How many recent weekly signup cohorts")
    ] = 4,
    weeks: Annotated[int, Query(ge=0, le=104, description="Up to week N after signup")] = 8,
) -> Response:
    """Retention of the latest signup cohorts, week by week (`weekly_retention.sql`)."""
    rows = await db.rows("queries/weekly_retention", {"cohorts": cohorts, "weeks": weeks})
    return cached_json(request, page_of(rows, RetentionCell, page))


@router.get("/actions/trends", response_model=Page[ActionTrend])
async def action_trends(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    days: Annotated[int, Query(ge=1, le=366, description="UTC days back, today included")] = 30,
) -> Response:
    """Events per type per UTC day (`action_trends.sql`)."""
    rows = await db.rows("queries/action_trends", {"days": days})
    return cached_json(request, page_of(rows, ActionTrend, page))


@router.get("/live", response_model=LiveCounters)
async def live_counters(request: Request, db: Db) -> Response:
    """Events in the last 1, 5 and 60 complete minutes and 24 hours (`live_counters.sql`)."""
    rows = await db.rows("queries/live_counters")
    windows = [LiveCounter.model_validate(row) for row in rows]
    return cached_json(request, LiveCounters(windows=windows))
