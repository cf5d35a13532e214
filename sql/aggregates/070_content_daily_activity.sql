-- Per content item per UTC day: each kind of action, and the engagement total
-- (the types flagged `is_content_engagement` in `event_types`).
with

content_events as (
    select * from inserted_events
    where content_id is not null
),

levels as (
    select * from event_types
),

per_item_day as (
    select
        content_events.content_id,
        (content_events.occurred_at at time zone 'UTC')::date as activity_date,
        count(*) filter (where content_events.event_type = 'page_view') as views,
        count(*) filter (where content_events.event_type = 'click') as clicks,
        count(*) filter (where content_events.event_type = 'like') as likes,
        count(*) filter (where content_events.event_type = 'comment') as comments,
        count(*) filter (where content_events.event_type = 'share') as shares,
        count(*) filter (where content_events.event_type = 'page_edit') as edits,
        count(*) filter (where content_events.event_type = 'page_create') as creates,
        count(*) filter (where levels.is_content_engagement) as engagements
    from content_events
    left join levels on content_events.event_type = levels.event_type
    group by 1, 2
)

insert into content_daily_activity as stored (
    content_id,
    activity_date,
    views,
    clicks,
    likes,
    comments,
    shares,
    edits,
    creates,
    engagements
)
select
    content_id,
    activity_date,
    views,
    clicks,
    likes,
    comments,
    shares,
    edits,
    creates,
    engagements
from per_item_day
order by content_id, activity_date
on conflict (content_id, activity_date) do update set
    views = stored.views + excluded.views,
    clicks = stored.clicks + excluded.clicks,
    likes = stored.likes + excluded.likes,
    comments = stored.comments + excluded.comments,
    shares = stored.shares + excluded.shares,
    edits = stored.edits + excluded.edits,
    creates = stored.creates + excluded.creates,
    engagements = stored.engagements + excluded.engagements;
