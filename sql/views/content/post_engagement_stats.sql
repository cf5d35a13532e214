-- Engagement per post (every content item seen), from the all-time totals kept on
-- `content_items` (one row per item, however many days it has): total engagements are
-- views + likes + comments + shares (`event_types.is_content_engagement`). The engagement
-- rate is seed 003's: likes per 100 views, likes / views x 100 (its example, 89 likes on
-- 1,234 views, gives 7.21); the interaction rate counts every interaction,
-- (likes + comments + shares) / views x 100, as the seed's author analysis does. The
-- post's title and its author's name, as the seed's endpoint shows them, come from the
-- catalog's current rows (null until the catalog has delivered them). No window function
-- here, so a filter on post_id reaches the primary key (`post_engagement()`).
create view post_engagement_stats as
with

items as (
    select * from content_items
),

posts as (
    select * from dim_post_current
),

authors as (
    select * from dim_author_current
),

final as (
    select
        items.content_id as post_id,
        items.author_id,
        items.category,
        items.published_at,
        items.views,
        items.likes,
        items.comments,
        items.shares,
        items.engagements as total_engagements,
        round(100.0 * items.likes / nullif(items.views, 0), 2) as engagement_rate,
        round(
            100.0 * (items.likes + items.comments + items.shares) / nullif(items.views, 0), 2
        ) as interaction_rate,
        posts.title,
        authors.author_name
    from items
    left join posts on items.content_id = posts.post_id
    left join authors on items.author_id = authors.author_id
)

select * from final;

grant select on post_engagement_stats to pulse_reader;
