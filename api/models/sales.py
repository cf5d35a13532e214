"""Answers about commerce: the funnel, sales per week and month, popular products."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.models.base import Money, Row


class FunnelDay(Row):
    """Sessions that started that UTC day, through view -> cart -> purchase."""

    activity_date: date
    viewed_sessions: int
    carted_sessions: int
    purchased_sessions: int
    view_to_cart_pct: float | None
    cart_to_purchase_pct: float | None
    view_to_purchase_pct: float | None


class WeeklySales(Row):
    week_start_date: date
    currency: str
    orders: int
    units_sold: int
    revenue: Money
    average_order_value: Money | None


class MonthlySales(Row):
    month_start_date: date
    currency: str
    orders: int
    units_sold: int
    revenue: Money
    average_order_value: Money | None


class PopularProduct(Row):
    """A product's rank by units sold within its currency."""

    currency: str
    popularity_rank: int
    product_id: str
    product_name: str | None = Field(None, description="The catalog's; null until it delivered it")
    product_category: str | None = Field(None, description="The catalog's; null until delivered")
    cart_adds: int
    orders: int
    units_sold: int
    revenue: Money
    cart_to_order_pct: float | None
