"""Answers about content: posts, authors, categories, pages and when engagement happens."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from api.models.base import Row


class PostEngagement(Row):
    """A post's engagement, all time (seed 003's `/engagement/{post_id}`)."""

    post_id: str
    title: str | None = Field(None, description="The catalog's; null until it delivered the post")
    author_id: str
    author_name: str | None = Field(None, description="The catalog's; null until delivered")
    category: str
    published_at: datetime | None = Field(description="Its page_create; null if not seen")
    views: int
    likes: int
    comments: int
    shares: int
    total_engagements: int = Field(description="views + likes + comments + shares")
    engagement_rate: float | None = Field(
        description="Likes per 100 views (seed 003's: 89 likes on 1,234 views give 7.21); "
        "null without views"
    )
    interaction_rate: float | None = Field(
        description="(likes + comments + shares) per 100 views; null without views"
    )


class AuthorTrendWindow(Row):
    """An author's last `window_days` UTC days against the same length just before."""

    window_days: int
    period_start_date: date
    period_end_date: date
    posts_published: int
    total_engagements: int
    avg_engagement_per_post: float | None
    previous_total_engagements: int
    engagement_change_pct: float | None = Field(
        description="Change against the previous period in %; null if it had none"
    )


class AuthorTrends(Row):
    """Seed 003's `/author/{author_id}/trends`: the 7- and 30-day windows."""

    author_id: str
    trends: list[AuthorTrendWindow]


class CategoryStats(Row):
    """A category's engagement, all time, with its top author (the rank is among the
    categories asked for: product pages only with `include_shop`)."""

    category_rank: int
    category: str
    authors: int
    posts_published: int
    total_engagements: int
    avg_engagement_per_post: float | None
    top_author_id: str | None
    top_author_name: str | None = Field(None, description="The catalog's; null until delivered")
    top_author_engagements: int | None


class TopPage(Row):
    action_rank: int
    content_id: str
    title: str | None = Field(
        None, description="The post's title, or a product page's product name (the catalog's)"
    )
    author_id: str
    author_name: str | None = Field(None, description="The catalog's; null until delivered")
    category: str
    actions: int = Field(description="Every action: views, clicks, likes, ..., creation")
    views: int
    likes: int
    comments: int
    shares: int
    edits: int


class TopAuthor(Row):
    """An author's rank in a category by the engagement of their posts published in the
    last 90 UTC days (all the engagement those posts received)."""

    category: str
    category_rank: int
    overall_rank: int = Field(description="Rank among all authors (of every category asked)")
    author_id: str
    author_name: str | None = Field(None, description="The catalog's; null until delivered")
    home_category: str | None = Field(
        None,
        description="The author's home category (the catalog's), against `category`, the "
        "posts' category (seed 003's Segment Category)",
    )
    posts_published: int
    views: int
    likes: int
    comments: int
    shares: int
    total_engagements: int
    avg_engagement_per_post: float | None


class CoachingOpportunity(Row):
    """A high-volume, low-engagement author over the posts of the last 90 UTC days (10 or
    more, below the median): opportunity score = (category median - the author's average
    engagement per post) x posts, the median taken over the authors' averages."""

    author_id: str
    category: str
    posts: int
    avg_engagement_per_post: float
    interaction_rate_pct: float | None = Field(
        description="(likes + comments + shares) per 100 views of these posts"
    )
    category_median_engagement_per_post: float
    opportunity_score: float


class EngagementSlot(Row):
    """A UTC weekday x hour slot and its share of all content engagement."""

    weekday_name: str
    hour_of_day: int
    views: int
    likes: int
    comments: int
    shares: int
    total_engagements: int
    share_of_total_pct: float | None


class PostingSlot(Row):
    """A UTC weekday x hour of publication: the posts published then, the engagement they
    received, the average per post and the slot's share of all the posts' engagement."""

    weekday_name: str
    hour_of_day: int
    posts_published: int
    views: int
    likes: int
    comments: int
    shares: int
    total_engagements: int
    avg_engagement_per_post: float
    share_of_total_pct: float | None
