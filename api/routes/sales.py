"""Commerce endpoints: the funnel, weekly and monthly sales, popular products."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.caching import cached_json
from api.database import Database
from api.models.base import Page
from api.models.sales import FunnelDay, MonthlySales, PopularProduct, WeeklySales
from api.models.service import ERROR_RESPONSES
from api.paging import Paging, database, page_of, paging

router = APIRouter(tags=["commerce"], responses=ERROR_RESPONSES)
Db = Annotated[Database, Depends(database)]


@router.get("/funnel", response_model=Page[FunnelDay])
async def funnel(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    days: Annotated[int, Query(ge=1, le=366, description="UTC days back, today included")] = 30,
) -> Response:
    """View -> cart -> purchase conversion per UTC day (`funnel_conversion.sql`)."""
    rows = await db.rows("queries/funnel_conversion", {"days": days})
    return cached_json(request, page_of(rows, FunnelDay, page))


@router.get("/sales/weekly", response_model=Page[WeeklySales])
async def weekly_sales(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    weeks: Annotated[int, Query(ge=1, le=520, description="ISO weeks back, this one included")] = 8,
) -> Response:
    """Orders, units, revenue and average order value per ISO week and currency
    (`weekly_sales.sql`)."""
    rows = await db.rows("queries/weekly_sales", {"weeks": weeks})
    return cached_json(request, page_of(rows, WeeklySales, page))


@router.get("/sales/monthly", response_model=Page[MonthlySales])
async def monthly_sales(
    request: Request, db: Db, page: Annotated[Paging, Depends(paging(100))]
) -> Response:
    """Orders, units, revenue and average order value per month and currency
    (`monthly_sales.sql`)."""
    rows = await db.rows("queries/monthly_sales")
    return cached_json(request, page_of(rows, MonthlySales, page))


@router.get("/products/popular", response_model=Page[PopularProduct])
async def popular_products(
    request: Request,
    db: Db,
    page: Annotated[Paging, Depends(paging(100))],
    top: Annotated[
        int, Query(ge=1, le=1000, description="Best-selling N products of each currency")
    ] = 10,
) -> Response:
    """The best-selling products per currency, with cart activity
    (`product_popularity.sql`)."""
    rows = await db.rows("queries/product_popularity", {"limit": top})
    return cached_json(request, page_of(rows, PopularProduct, page))
