-- All-time totals per content item, kept on `content_items` by the batch statement that
-- already upserts it (`sql/aggregates/060_content_items.sql`). "Top pages", per-post
-- engagement and the author benchmarks then read one row per item instead of summing
-- every item's daily rows: their cost follows the number of items, not of item-days,
-- which is what keeps them fast as the facts grow. Rows that exist already are filled
-- from `content_daily_activity`, which holds the same counts per day.
alter table content_items
    add column views bigint not null default 0,
    add column clicks bigint not null default 0,
    add column likes bigint not null default 0,
    add column comments bigint not null default 0,
    add column shares bigint not null default 0,
    add column edits bigint not null default 0,
    add column creates bigint not null default 0,
    add column engagements bigint not null default 0;

-- Every batch now updates the items it touches: leave room for HOT updates.
alter table content_items set (fillfactor = 80);

with

item_days as (
    select * from content_daily_activity
),

totals as (
    select
        content_id,
        sum(views) as views,
        sum(clicks) as clicks,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(edits) as edits,
        sum(creates) as creates,
        sum(engagements) as engagements
    from item_days
    group by content_id
)

update content_items as items
set
    views = totals.views,
    clicks = totals.clicks,
    likes = totals.likes,
    comments = totals.comments,
    shares = totals.shares,
    edits = totals.edits,
    creates = totals.creates,
    engagements = totals.engagements
from totals
where items.content_id = totals.content_id;

-- The same views as in 020, now over the totals (same columns, same meaning).
create or replace view post_engagement_stats as
with

items as (
    select * from content_items
),

final as (
    select
        content_id as post_id,
        author_id,
        category,
        published_at,
        views,
        likes,
        comments,
        shares,
        engagements as total_engagements,
        round(100.0 * (likes + comments + shares) / nullif(views, 0), 2) as engagement_rate
    from items
)

select * from final;

create or replace view top_pages as
with

items as (
    select * from content_items
),

final as (
    select
        rank() over (
            order by views + clicks + likes + comments + shares + edits + creates desc
        ) as action_rank,
        content_id,
        author_id,
        category,
        published_at,
        views + clicks + likes + comments + shares + edits + creates as actions,
        views,
        clicks,
        likes,
        comments,
        shares,
        edits
    from items
)

select * from final
order by action_rank, content_id;

create or replace view author_opportunities as
with

posts as (
    select
        content_id,
        author_id,
        category,
        engagements
    from content_items
    where published_at is not null
),

per_author as (
    select
        author_id,
        category,
        count(*) as posts,
        sum(engagements)::bigint as engagements
    from posts
    group by author_id, category
),

engagement_benchmarks as (
    select
        category,
        percentile_cont(0.5) within group (order by engagements)::numeric
            as median_engagement_per_post
    from posts
    group by category
),

volume_benchmarks as (
    select
        category,
        percentile_cont(0.5) within group (order by posts)::numeric as median_posts
    from per_author
    group by category
),

compared as (
    select
        per_author.author_id,
        per_author.category,
        per_author.posts,
        per_author.engagements,
        engagement_benchmarks.median_engagement_per_post,
        volume_benchmarks.median_posts,
        per_author.posts >= volume_benchmarks.median_posts as is_high_volume,
        per_author.engagements
        < engagement_benchmarks.median_engagement_per_post * per_author.posts
            as is_low_engagement
    from per_author
    inner join engagement_benchmarks on per_author.category = engagement_benchmarks.category
    inner join volume_benchmarks on per_author.category = volume_benchmarks.category
),

final as (
    select
        author_id,
        category,
        posts,
        engagements,
        round(engagements::numeric / posts, 2) as avg_engagement_per_post,
        median_engagement_per_post as category_median_engagement_per_post,
        median_posts as category_median_posts,
        case
            when is_high_volume and is_low_engagement then 'high volume, low engagement'
            when is_high_volume then 'high volume, high engagement'
            when is_low_engagement then 'low volume, low engagement'
            else 'low volume, high engagement'
        end as performance_segment,
        median_engagement_per_post * posts - engagements as opportunity_score
    from compared
)

select * from final;

-- "Top authors over the last 90 days" reads one date range instead of every day.
create index author_category_daily_activity_activity_date
on author_category_daily_activity (activity_date);
