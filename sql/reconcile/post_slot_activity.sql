-- Drift of `post_slot_activity`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact. Posts as in
-- post_publications (category of the earliest event, published at the earliest
-- page_create), each with every view, like, comment and share it received.
with

retention as (
    select retained_from from facts_retention
),

history_posts as (
    -- Posts of items first seen before the retained facts (FACTS_RETENTION_DAYS dropped
    -- some of their events): their attribution from the history of `post_publications`,
    -- their engagement from that of `content_items`, as migration 136 built them.
    select
        publication.content_id,
        publication.author_id,
        publication.category,
        publication.published_at,
        item.views,
        item.likes,
        item.comments,
        item.shares,
        item.engagements
    from post_publications as publication
    inner join content_items as item on publication.content_id = item.content_id
    where item.first_seen_at < (select retained_from from retention)
),

levels as (
    select * from event_types
),

content_events as (
    select
        events.*,
        levels.is_content_engagement
    from events
    left join levels on events.event_type = levels.event_type
    where
        events.content_id is not null
        and events.occurred_at >= (select retained_from from retention)
        and not exists (
            select from history_posts where history_posts.content_id = events.content_id
        )
),

firsts as (
    select distinct on (content_id)
        content_id,
        author_id,
        category
    from content_events
    order by content_id, occurred_at, event_id
),

posts as (
    select
        content_id,
        min(occurred_at) filter (where event_type = 'page_create') as published_at,
        count(*) filter (where event_type = 'page_view') as views,
        count(*) filter (where event_type = 'like') as likes,
        count(*) filter (where event_type = 'comment') as comments,
        count(*) filter (where event_type = 'share') as shares,
        count(*) filter (where is_content_engagement) as engagements
    from content_events
    group by content_id
    having count(*) filter (where event_type = 'page_create') > 0
),

all_posts as (
    select
        posts.content_id,
        firsts.author_id,
        firsts.category,
        posts.published_at,
        posts.views,
        posts.likes,
        posts.comments,
        posts.shares,
        posts.engagements
    from posts
    inner join firsts on posts.content_id = firsts.content_id
    union all
    select * from history_posts
),

stored as (
    select
        category,
        iso_weekday,
        hour_of_day,
        posts,
        views,
        likes,
        comments,
        shares,
        engagements
    from post_slot_activity
),

recomputed as (
    select
        all_posts.category,
        extract(isodow from all_posts.published_at at time zone 'UTC')::smallint as iso_weekday,
        extract(hour from all_posts.published_at at time zone 'UTC')::smallint as hour_of_day,
        count(*) as posts,
        sum(all_posts.views) as views,
        sum(all_posts.likes) as likes,
        sum(all_posts.comments) as comments,
        sum(all_posts.shares) as shares,
        sum(all_posts.engagements) as engagements
    from all_posts
    group by 1, 2, 3
),

stored_only as (
    select * from stored
    except
    select * from recomputed
),

recomputed_only as (
    select * from recomputed
    except
    select * from stored
),

final as (
    select
        'stored only' as side,
        stored_only.*
    from stored_only
    union all
    select
        'recomputed only' as side,
        recomputed_only.*
    from recomputed_only
)

select * from final;
