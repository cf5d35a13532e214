-- Engagement per post (every content item seen), from the all-time totals kept on
-- `content_items` (one row per item, however many days it has): total engagements are
-- views + likes + comments + shares (`event_types.is_content_engagement`); the engagement
-- rate is interactions per 100 views, (likes + comments + shares) / views x 100. No window
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
        round(100.0 * (likes + comments + shares) / nullif(views, 0), 2) as engagement_rate
    from items
)

select * from final;

grant select on post_engagement_stats to pulse_reader;
