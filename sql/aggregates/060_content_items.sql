-- Content dimension and all-time totals per item (migrations 011 and 022). Author and
-- category come from the item's earliest event (ties: smallest event_id), publication
-- time from its earliest page_create: both rules pick the same values whatever order
-- the events arrive in. The totals are added like every other counter.
-- The upserted rows are kept in the batch's staging table `touched_content_items`, for
-- the rollups that rank and attribute the items at the end of the batch (197, 199).
with

content_events as (
    select * from inserted_events
    where content_id is not null
),

levels as (
    select * from event_types
),

firsts as (
    select distinct on (content_id)
        content_id,
        author_id,
        category,
        occurred_at as first_seen_at,
        event_id as first_event_id
    from content_events
    order by content_id, occurred_at, event_id
),

counts as (
    select
        content_events.content_id,
        min(content_events.occurred_at) filter (
            where content_events.event_type = 'page_create'
        ) as published_at,
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
    group by content_events.content_id
),

per_item as (
    select
        firsts.content_id,
        firsts.author_id,
        firsts.category,
        counts.published_at,
        firsts.first_seen_at,
        firsts.first_event_id,
        counts.views,
        counts.clicks,
        counts.likes,
        counts.comments,
        counts.shares,
        counts.edits,
        counts.creates,
        counts.engagements
    from firsts
    inner join counts on firsts.content_id = counts.content_id
),

upserted as (
    insert into content_items as stored (
        content_id,
        author_id,
        category,
        published_at,
        first_seen_at,
        first_event_id,
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
        author_id,
        category,
        published_at,
        first_seen_at,
        first_event_id,
        views,
        clicks,
        likes,
        comments,
        shares,
        edits,
        creates,
        engagements
    from per_item
    order by content_id
    on conflict (content_id) do update set
        author_id = case
            when (excluded.first_seen_at, excluded.first_event_id)
                < (stored.first_seen_at, stored.first_event_id)
                then excluded.author_id
            else stored.author_id
        end,
        category = case
            when (excluded.first_seen_at, excluded.first_event_id)
                < (stored.first_seen_at, stored.first_event_id)
                then excluded.category
            else stored.category
        end,
        first_event_id = case
            when (excluded.first_seen_at, excluded.first_event_id)
                < (stored.first_seen_at, stored.first_event_id)
                then excluded.first_event_id
            else stored.first_event_id
        end,
        first_seen_at = least(stored.first_seen_at, excluded.first_seen_at),
        published_at = least(stored.published_at, excluded.published_at),
        views = stored.views + excluded.views,
        clicks = stored.clicks + excluded.clicks,
        likes = stored.likes + excluded.likes,
        comments = stored.comments + excluded.comments,
        shares = stored.shares + excluded.shares,
        edits = stored.edits + excluded.edits,
        creates = stored.creates + excluded.creates,
        engagements = stored.engagements + excluded.engagements
    returning
        content_id,
        author_id,
        category,
        published_at,
        first_seen_at,
        views,
        likes,
        comments,
        shares,
        engagements,
        views + clicks + likes + comments + shares + edits + creates as actions
)

insert into touched_content_items
select * from upserted;
