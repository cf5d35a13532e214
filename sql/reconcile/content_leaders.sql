-- Drift of `content_leaders`: the stored rows that a ranking of `content_items` does not
-- produce, and the recomputed rows it lacks. Empty when exact. An item's category is its
-- content_items row's (that of its earliest event); its actions count every view, click,
-- like, comment, share, edit and creation. `content_items` keeps its history when
-- FACTS_RETENTION_DAYS drops facts and is itself reconciled
-- (sql/reconcile/content_items.sql), so the whole board is compared, retention or not.
with

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

ranked as (
    select
        content_id,
        category,
        views + clicks + likes + comments + shares + edits + creates as actions,
        rank() over (
            partition by category
            order by views + clicks + likes + comments + shares + edits + creates desc
        ) as category_rank
    from content_items
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
