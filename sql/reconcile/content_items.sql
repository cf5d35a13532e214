-- Drift of `content_items`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- An item first seen before the retained facts (FACTS_RETENTION_DAYS dropped some of its
-- events) is history: neither side of it is compared (sql/reconcile/history/).
with

retention as (
    select retained_from from facts_retention
),

levels as (
    select * from event_types
),

stored as (
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
    from content_items
    where first_seen_at >= (select retained_from from retention)
),

history as (
    select content_id
    from content_items
    where first_seen_at < (select retained_from from retention)
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
        and not exists (select from history where history.content_id = events.content_id)
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
        content_id,
        min(occurred_at) filter (where event_type = 'page_create') as published_at,
        count(*) filter (where event_type = 'page_view') as views,
        count(*) filter (where event_type = 'click') as clicks,
        count(*) filter (where event_type = 'like') as likes,
        count(*) filter (where event_type = 'comment') as comments,
        count(*) filter (where event_type = 'share') as shares,
        count(*) filter (where event_type = 'page_edit') as edits,
        count(*) filter (where event_type = 'page_create') as creates,
        count(*) filter (where is_content_engagement) as engagements
    from content_events
    group by content_id
),

recomputed as (
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
