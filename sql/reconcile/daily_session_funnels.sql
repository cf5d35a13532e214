-- Drift of `daily_session_funnels`: the stored rows that a recomputation from
-- `session_funnels` does not produce, and the recomputed rows it lacks. Empty when exact.
-- The sessions keep their history when FACTS_RETENTION_DAYS drops facts and are
-- themselves reconciled (sql/reconcile/session_funnels.sql), so every day is compared,
-- retention or not.
with

stored as (
    select
        activity_date,
        sessions,
        viewed_sessions,
        carted_sessions,
        purchased_sessions
    from daily_session_funnels
),

recomputed as (
    select
        (started_at at time zone 'UTC')::date as activity_date,
        count(*) as sessions,
        count(*) filter (where has_viewed) as viewed_sessions,
        count(*) filter (where has_viewed and has_added_to_cart) as carted_sessions,
        count(*) filter (where has_viewed and has_added_to_cart and has_purchased)
            as purchased_sessions
    from session_funnels
    group by 1
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
