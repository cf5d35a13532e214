-- Drift of `user_signup_cohorts`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact. A user whose
-- cohort lies before the retained facts (FACTS_RETENTION_DAYS dropped their first signup)
-- is history: neither side of them is compared (sql/reconcile/history/).
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
        user_id,
        cohort_week_start_date
    from user_signup_cohorts
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

recomputed as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from signups
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
