-- Drift of `content_leaders`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact. An item's category
-- is that of its earliest event (ties: smallest event_id), as in content_items; its
-- actions count every view, click, like, comment, share, edit and creation. Once
-- FACTS_RETENTION_DAYS has dropped facts, an item first seen before the retained ones
-- competes with its totals from the history of `content_items`, so the whole board stays
-- comparable.
with

retention as (
    select retained_from from facts_retention
),

history_items as (
    select
        content_id,
        category,
        views + clicks + likes + comments + shares + edits + creates as actions
    from content_items
    where first_seen_at < (select retained_from from retention)
),

board_size as (
    select 100 as pages_per_category
),

stored as (
    select
        content_id,
        category,
        actions
    from content_leaders
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
        category
    from content_events
    order by content_id, occurred_at, event_id
),

counts as (
    select
        content_id,
        count(*) filter (
            where event_type in (
                'page_view', 'click', 'like', 'comment', 'share', 'page_edit', 'page_create'
            )
        ) as actions
    from content_events
    group by content_id
),

items as (
    select
        firsts.content_id,
        firsts.category,
        counts.actions
    from firsts
    inner join counts on firsts.content_id = counts.content_id
    union all
    select
        content_id,
        category,
        actions
    from history_items
),

ranked as (
    select
        content_id,
        category,
        actions,
        rank() over (partition by category order by actions desc) as category_rank
    from items
),

recomputed as (
    select
        content_id,
        category,
        actions
    from ranked
    where category_rank <= (select pages_per_category from board_size)
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
