-- Drift of `weekly_cohort_activity`: the stored rows that a recomputation from the users'
-- cohorts (`user_signup_cohorts`) and active days (`user_active_days`) does not produce,
-- and the recomputed rows it lacks. Empty when exact. Both keep their history when
-- FACTS_RETENTION_DAYS drops facts and are themselves reconciled
-- (sql/reconcile/user_signup_cohorts.sql, sql/reconcile/user_active_days.sql), so every
-- cohort is compared, retention or not.
with

stored as (
    select
        cohort_week_start_date,
        week_number,
        active_users
    from weekly_cohort_activity
),

user_weeks as (
    select distinct
        user_id,
        -- The Monday of the day's ISO week, as 182_weekly_cohort_activity computes it.
        activity_date - (extract(isodow from activity_date)::integer - 1) as week_start_date
    from user_active_days
),

recomputed as (
    select
        cohorts.cohort_week_start_date,
        (user_weeks.week_start_date - cohorts.cohort_week_start_date) / 7 as week_number,
        count(*) as active_users
    from user_signup_cohorts as cohorts
    inner join user_weeks on cohorts.user_id = user_weeks.user_id
    where user_weeks.week_start_date >= cohorts.cohort_week_start_date
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
