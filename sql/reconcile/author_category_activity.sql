-- Drift of `author_category_activity`: the stored rows that a recomputation from
-- `author_category_daily_activity` does not produce, and the recomputed rows it lacks.
-- Empty when exact. The daily rows keep their history when FACTS_RETENTION_DAYS drops
-- facts and are themselves reconciled (sql/reconcile/author_category_daily_activity.sql),
-- so these totals are compared in full, retention or not.
with

stored as (
    select
        author_id,
        category,
        posts_published,
        views,
        likes,
        comments,
        shares,
        engagements
    from author_category_activity
),

recomputed as (
    select
        author_id,
        category,
        sum(posts_published)::bigint as posts_published,
        sum(views)::bigint as views,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(engagements)::bigint as engagements
    from author_category_daily_activity
    group by 1, 2
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
