-- Drift of `session_funnels`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- A session that started before the retained facts (FACTS_RETENTION_DAYS dropped some of
-- its events) is history: neither side of it is compared (sql/reconcile/history/).
with

retention as (
    select retained_from from facts_retention
),

stored as (
    select
        user_id,
        session_id,
        started_at,
        ended_at,
        event_count,
        has_viewed,
        has_added_to_cart,
        has_purchased
    from session_funnels
    where started_at >= (select retained_from from retention)
),

history as (
    select
        user_id,
        session_id
    from session_funnels
    where started_at < (select retained_from from retention)
),

recomputed as (
    select
        user_id,
        session_id,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        count(*) as event_count,
        bool_or(event_type = 'page_view') as has_viewed,
        bool_or(event_type = 'add_to_cart') as has_added_to_cart,
        bool_or(event_type = 'purchase') as has_purchased
    from events
    where
        occurred_at >= (select retained_from from retention)
        and not exists (
            select from history
            where history.user_id = events.user_id and history.session_id = events.session_id
        )
    group by user_id, session_id
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
