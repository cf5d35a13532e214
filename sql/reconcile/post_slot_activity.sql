-- Drift of `post_slot_activity`: the stored rows that a recomputation from `content_items`
-- does not produce, and the recomputed rows it lacks. Empty when exact. Posts as in
-- post_publications (the items with a `published_at`), each with every view, like,
-- comment and share it received.
-- `content_items` keeps its history when FACTS_RETENTION_DAYS drops facts and is itself
-- reconciled (sql/reconcile/content_items.sql), so every post is compared, retention or
-- not.
with

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
        category,
        extract(isodow from published_at at time zone 'UTC')::smallint as iso_weekday,
        extract(hour from published_at at time zone 'UTC')::smallint as hour_of_day,
        count(*) as posts,
        sum(views)::bigint as views,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(engagements)::bigint as engagements
    from content_items
    where published_at is not null
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
