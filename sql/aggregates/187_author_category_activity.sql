-- Per author per category, all time: posts published (page_create) and engagement
-- received, as in `080_author_category_daily_activity` without the day. Busy authors'
-- rows are updated by most batches, so this runs late in the batch: their locks are held
-- briefly.
with

content_events as (
    select * from inserted_events
    where author_id is not null
),

levels as (
    select * from event_types
),

per_author as (
    select
        content_events.author_id,
        content_events.category,
        count(*) filter (where content_events.event_type = 'page_create') as posts_published,
        count(*) filter (where content_events.event_type = 'page_view') as views,
        count(*) filter (where content_events.event_type = 'like') as likes,
        count(*) filter (where content_events.event_type = 'comment') as comments,
        count(*) filter (where content_events.event_type = 'share') as shares,
        count(*) filter (where levels.is_content_engagement) as engagements
    from content_events
    inner join levels on content_events.event_type = levels.event_type
    where content_events.event_type = 'page_create' or levels.is_content_engagement
    group by 1, 2
)

insert into author_category_activity as stored (
    author_id,
    category,
    posts_published,
    views,
    likes,
    comments,
    shares,
    engagements
)
select
    author_id,
    category,
    posts_published,
    views,
    likes,
    comments,
    shares,
    engagements
from per_author
order by author_id, category
on conflict (author_id, category) do update set
    posts_published = stored.posts_published + excluded.posts_published,
    views = stored.views + excluded.views,
    likes = stored.likes + excluded.likes,
    comments = stored.comments + excluded.comments,
    shares = stored.shares + excluded.shares,
    engagements = stored.engagements + excluded.engagements;
