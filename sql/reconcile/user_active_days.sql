-- Drift of `user_active_days`: the stored rows that a recomputation from
-- `user_daily_activity` does not produce, and the recomputed rows it lacks. Empty when
-- exact. `user_daily_activity` holds a row for every user-day with an event, keeps its
-- history when FACTS_RETENTION_DAYS drops facts and is itself reconciled
-- (sql/reconcile/user_daily_activity.sql), so every day is compared, retention or not.
with

stored as (
    select
        user_id,
        activity_date
    from user_active_days
),

recomputed as (
    select distinct
        user_id,
        activity_date
    from user_daily_activity
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
