-- Top authors per category over the posts published in the last 90 days, by the
-- engagement those posts received, with their rank among all authors too; product pages
-- ("Shop") only with include_shop. Each author with their name and home category (the
-- catalog's) against `category`, the posts' category (seed 003's "Segment Category").
-- Parameters: per_category (how many authors per category), include_shop.
with

authors as (
    select * from top_authors_90d
    where %(include_shop)s or not is_shop_category
),

ranked as (
    select
        *,
        rank() over (order by total_engagements desc) as overall_rank
    from authors
)

select
    category,
    category_rank,
    overall_rank,
    author_id,
    posts_published,
    views,
    likes,
    comments,
    shares,
    total_engagements,
    avg_engagement_per_post,
    author_name,
    home_category
from ranked
where category_rank <= %(per_category)s
order by category, category_rank, author_id;
