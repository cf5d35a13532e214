-- The n categories with the most engagement received, all time, with their top author.
-- Product pages (the "Shop" category) take part only with include_shop, and the rank is
-- among the categories that do.
create function top_categories(n integer default 5, include_shop boolean default false)
returns table (
    category_rank bigint,
    category text,
    authors bigint,
    posts_published bigint,
    total_engagements bigint,
    avg_engagement_per_post numeric,
    top_author_id text,
    top_author_engagements bigint,
    top_author_name text
)
language sql
stable
as $$
    with

    ranked as (
        select
            rank() over (order by stats.total_engagements desc) as category_rank,
            stats.category,
            stats.authors,
            stats.posts_published,
            stats.total_engagements,
            stats.avg_engagement_per_post,
            stats.top_author_id,
            stats.top_author_engagements,
            stats.top_author_name
        from category_stats as stats
        where top_categories.include_shop or not stats.is_shop_category
    )

    select * from ranked
    order by category_rank, category
    limit top_categories.n
$$;
