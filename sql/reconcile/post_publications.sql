-- Drift of `post_publications`: the stored rows that a recomputation from `content_items`
-- does not produce, and the recomputed rows it lacks. Empty when exact. A post is an item
-- whose page_create was seen (its `published_at`, the earliest); its author and category
-- are the item's, from its earliest event.
-- `content_items` keeps its history when FACTS_RETENTION_DAYS drops facts and is itself
-- reconciled (sql/reconcile/content_items.sql), so every post is compared, retention or
-- not.
with

stored as (
    select
        content_id,
        author_id,
        category,
        published_at
    from post_publications
),

recomputed as (
    select
        content_id,
        author_id,
        category,
        published_at
    from content_items
    where published_at is not null
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
