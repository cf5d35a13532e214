-- Engagement per post (every content item seen), from the all-time totals kept on
-- `content_items` (one row per item, however many days it has): total engagements are
-- views + likes + comments + shares (`event_types.is_content_engagement`). The engagement
-- rate is seed 003's: likes per 100 views, likes / views x 100 (its example, 89 likes on
-- 1,234 views, gives 7.21); the interaction rate counts every interaction,
-- (likes + comments + shares) / views x 100, as the seed's author analysis does. No window
-- function here, so a filter on post_id reaches the primary key (`post_engagement()`).
create view post_engagement_stats as
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
        round(100.0 * likes / nullif(views, 0), 2) as engagement_rate,
        round(100.0 * (likes + comments + shares) / nullif(views, 0), 2) as interaction_rate
    from items
)

select * from final;

grant select on post_engagement_stats to pulse_reader;
