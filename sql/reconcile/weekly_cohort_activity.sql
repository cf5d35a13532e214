-- Drift of `weekly_cohort_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- Cohorts that start before the retained facts (FACTS_RETENTION_DAYS dropped facts) are
-- history: not compared (sql/reconcile/history/). A later cohort's weeks are all retained;
-- its users are those whose first signup is retained (a user whose stored cohort is
-- history is left out, so a retained later signup does not count as their first).
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows they proved are
    -- history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

history as (
    select user_id
    from user_signup_cohorts
    where cohort_week_start_date < (select retained_from_date from retention)
),

stored as (
    select
        cohort_week_start_date,
        week_number,
        active_users
    from weekly_cohort_activity
    where cohort_week_start_date >= (select retained_from_date from retention)
),

signups as (
    select
        user_id,
        min(occurred_at) as signed_up_at
    from events
    where
        event_type = 'signup'
        and occurred_at >= (select retained_from from retention)
        and not exists (select from history where history.user_id = events.user_id)
    group by user_id
),

cohorts as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from signups
),

user_weeks as (
    select distinct
        user_id,
        date_trunc('week', occurred_at at time zone 'UTC')::date as week_start_date
    from events
    where occurred_at >= (select retained_from from retention)
),

recomputed as (
    select
        cohorts.cohort_week_start_date,
        (user_weeks.week_start_date - cohorts.cohort_week_start_date) / 7 as week_number,
        count(*) as active_users
    from cohorts
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
