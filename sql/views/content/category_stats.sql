-- Engagement received per category, all time, with its top author: the figures that
-- `top_categories()` ranks (the ranking lives there, since whether product pages, the
-- "Shop" category, take part is the caller's choice). Engagement is attributed by each
-- event's own category; posts published count page_create events, so the average per post
-- divides the engagement of every item seen by the posts whose creation was seen. The top
-- author's name comes from the catalog's current rows (null until it delivered it).
create view category_stats as
with

per_author as (
    -- The all-time totals per author and category (migration 134): one row each.
    select
        category,
        author_id,
        posts_published,
        engagements
    from author_category_activity
),

top_authors as (
    select distinct on (category)
        category,
        author_id as top_author_id,
        engagements as top_author_engagements
    from per_author
    order by category, engagements desc, author_id
),

per_category as (
    select
        category,
        count(*) as authors,
        sum(posts_published)::bigint as posts_published,
        sum(engagements)::bigint as total_engagements
    from per_author
    group by category
),

authors as (
    select * from dim_author_current
),

final as (
    select
        per_category.category,
        is_shop_category(per_category.category) as is_shop_category,
        per_category.authors,
        per_category.posts_published,
        per_category.total_engagements,
        round(
            per_category.total_engagements::numeric / nullif(per_category.posts_published, 0), 2
        ) as avg_engagement_per_post,
        top_authors.top_author_id,
        top_authors.top_author_engagements,
        authors.author_name as top_author_name
    from per_category
    inner join top_authors on per_category.category = top_authors.category
    left join authors on top_authors.top_author_id = authors.author_id
)

select * from final
order by total_engagements desc, category;

grant select on category_stats to pulse_reader;
