"""Content endpoints: seed 003's post engagement, author trends and top categories, and
the top pages, top authors, coaching opportunities, engagement patterns and posting times
queries. Rankings of content leave product pages ("Shop") out unless `include_shop`."""

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
    PostingSlot,
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
IncludeShop = Annotated[
    bool,
    Query(description='Rank product pages (category "Shop") with the content as well'),
]


@router.get("/engagement/{post_id}", response_model=PostEngagement, responses=NOT_FOUND)
async def post_engagement(request: Request, db: Db, post_id: Annotated[str, Id]) -> Response:
    """A post's views, likes, comments, shares, engagement rate (likes per 100 views) and
    interaction rate (`post_engagement.sql`)."""
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
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(5))],
    include_shop: IncludeShop = False,
) -> Response:
    """Categories by engagement received, with their top author (`top_categories.sql`)."""
    params = {"limit": page.fetch, "include_shop": include_shop}
    rows = await db.rows("queries/top_categories", params)
    return cached_json(request, page_of(rows, CategoryStats, page))


@router.get("/pages/top", response_model=Page[TopPage])
async def top_pages(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(10))],
    include_shop: IncludeShop = False,
) -> Response:
    """The most-acted-on pages, all time (`top_pages.sql`)."""
    params = {"limit": page.fetch, "include_shop": include_shop}
    rows = await db.rows("queries/top_pages", params)
    return cached_json(request, page_of(rows, TopPage, page))


@router.get("/authors/top", response_model=Page[TopAuthor])
async def top_authors(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    per_category: Annotated[
        int, Query(ge=1, le=100, description="How many authors per category")
    ] = 3,
    include_shop: IncludeShop = False,
) -> Response:
    """The top authors of each category by the engagement of their posts of the last 90 UTC
    days (`top_authors.sql`)."""
    params = {"per_category": per_category, "include_shop": include_shop}
    rows = await db.rows("queries/top_authors", params)
    return cached_json(request, page_of(rows, TopAuthor, page))


@router.get("/authors/coaching", response_model=Page[CoachingOpportunity])
async def coaching_opportunities(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(10))],
    include_shop: IncludeShop = False,
) -> Response:
    """High-volume, low-engagement authors over the last 90 UTC days, by opportunity score
    (`coaching_opportunities.sql`)."""
    params = {"limit": page.fetch, "include_shop": include_shop}
    rows = await db.rows("queries/coaching_opportunities", params)
    return cached_json(request, page_of(rows, CoachingOpportunity, page))


@router.get("/engagement-patterns", response_model=Page[EngagementSlot])
async def engagement_patterns(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(10))]
) -> Response:
    """The busiest UTC weekday x hour slots for content engagement
    (`engagement_patterns.sql`)."""
    rows = await db.rows("queries/engagement_patterns", {"limit": page.fetch})
    return cached_json(request, page_of(rows, EngagementSlot, page))


@router.get("/posting-times", response_model=Page[PostingSlot])
async def posting_times(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(10))],
    include_shop: IncludeShop = False,
) -> Response:
    """The UTC weekday x hour slots of publication whose posts earned the most engagement,
    with the average per post (`posting_times.sql`)."""
    params = {"limit": page.fetch, "include_shop": include_shop}
    rows = await db.rows("queries/posting_times", params)
    return cached_json(request, page_of(rows, PostingSlot, page))
