-- Drift of `user_signup_cohorts`: the stored rows that a recomputation from
-- `user_activity` (each user's earliest signup) does not produce, and the recomputed rows
-- it lacks. Empty when exact. `user_activity` keeps its history when FACTS_RETENTION_DAYS
-- drops facts and is itself reconciled (sql/reconcile/user_activity.sql), so every user
-- is compared, retention or not.
with

stored as (
    select
        user_id,
        cohort_week_start_date
    from user_signup_cohorts
),

recomputed as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from user_activity
    where signed_up_at is not null
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
