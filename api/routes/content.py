"""Content endpoints: seed 003's post engagement, author trends and top categories, and
the top pages, top authors, coaching opportunities and engagement patterns queries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api.caching import cached_json
from api.database import Database
from api.errors import NotFoundError
from api.models.base import Page
from api.models.content import (
    AuthorTrends,
    AuthorTrendWindow,
    CategoryStats,
    CoachingOpportunity,
    EngagementSlot,
    PostEngagement,
    TopAuthor,
    TopPage,
)
from api.models.service import ERROR_RESPONSES, ErrorBody
from api.paging import Paging, database, page_of, paging

router = APIRouter(tags=["content"], responses=ERROR_RESPONSES)
Db = Annotated[Database, Depends(database)]
Id = Path(min_length=1, max_length=200)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Never seen"}
}


@router.get("/engagement/{post_id}", response_model=PostEngagement, responses=NOT_FOUND)
async def post_engagement(request: Request, db: Db, post_id: Annotated[str, Id]) -> Response:
    """A post's views, likes, comments, shares and engagement rate (`post_engagement.sql`)."""
    rows = await db.rows("queries/post_engagement", {"post_id": post_id})
    if not rows:
        raise NotFoundError(f"post {post_id!r} not found: no event has named this content_id")
    return cached_json(request, PostEngagement.model_validate(rows[0]))


@router.get("/author/{author_id}/trends", response_model=AuthorTrends, responses=NOT_FOUND)
async def author_trends(request: Request, db: Db, author_id: Annotated[str, Id]) -> Response:
    """An author's last 7 and 30 UTC days against the period before (`author_trends.sql`)."""
    known = await db.rows("api/author_exists", {"author_id": author_id})
    if not known or not known[0]["author_exists"]:
        raise NotFoundError(
            f"author {author_id!r} not found: no post by this author_id has been seen"
        )
    rows = await db.rows("queries/author_trends", {"author_id": author_id})
    trends = [AuthorTrendWindow.model_validate(row) for row in rows]
    return cached_json(request, AuthorTrends(author_id=author_id, trends=trends))


@router.get("/categories/top", response_model=Page[CategoryStats])
async def top_categories(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(5))]
) -> Response:
    """Categories by engagement received, with their top author (`top_categories.sql`)."""
    rows = await db.rows("queries/top_categories", {"limit": page.fetch})
    return cached_json(request, page_of(rows, CategoryStats, page))


@router.get("/pages/top", response_model=Page[TopPage])
async def top_pages(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(10))]
) -> Response:
    """The most-acted-on pages, all time (`top_pages.sql`)."""
    rows = await db.rows("queries/top_pages", {"limit": page.fetch})
    return cached_json(request, page_of(rows, TopPage, page))


@router.get("/authors/top", response_model=Page[TopAuthor])
async def top_authors(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    per_category: Annotated[
        int, Query(ge=1, le=100, description="How many authors per category")
    ] = 3,
) -> Response:
    """The top authors of each category over the last 90 UTC days (`top_authors.sql`)."""
    rows = await db.rows("queries/top_authors", {"per_category": per_category})
    return cached_json(request, page_of(rows, TopAuthor, page))


@router.get("/authors/coaching", response_model=Page[CoachingOpportunity])
async def coaching_opportunities(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(10))]
) -> Response:
    """High-volume, low-engagement authors by opportunity score
    (`coaching_opportunities.sql`)."""
    rows = await db.rows("queries/coaching_opportunities", {"limit": page.fetch})
    return cached_json(request, page_of(rows, CoachingOpportunity, page))


@router.get("/engagement-patterns", response_model=Page[EngagementSlot])
async def engagement_patterns(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(10))]
) -> Response:
    """The busiest UTC weekday x hour slots for content engagement
    (`engagement_patterns.sql`)."""
    rows = await db.rows("queries/engagement_patterns", {"limit": page.fetch})
    return cached_json(request, page_of(rows, EngagementSlot, page))
