-- Drift of `post_publications`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact. A post is an item
-- whose page_create was seen, published at its earliest; its author and category are its
-- earliest event's (ties: smallest event_id), as in content_items. The post of an item
-- first seen before the retained facts (FACTS_RETENTION_DAYS dropped some of its events)
-- is history: not compared (sql/reconcile/history/).
with

retention as (
    select retained_from from facts_retention
),

history_items as (
    select content_id
    from content_items
    where first_seen_at < (select retained_from from retention)
),

stored as (
    select
        content_id,
        author_id,
        category,
        published_at
    from post_publications
    where not exists (
        select from history_items where history_items.content_id = post_publications.content_id
    )
),

content_events as (
    select * from events
    where
        content_id is not null
        and occurred_at >= (select retained_from from retention)
        and not exists (
            select from history_items where history_items.content_id = events.content_id
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

publications as (
    select
        content_id,
        min(occurred_at) as published_at
    from content_events
    where event_type = 'page_create'
    group by content_id
),

recomputed as (
    select
        firsts.content_id,
        firsts.author_id,
        firsts.category,
        publications.published_at
    from firsts
    inner join publications on firsts.content_id = publications.content_id
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
