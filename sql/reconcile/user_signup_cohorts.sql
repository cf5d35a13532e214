-- Drift of `user_signup_cohorts`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        user_id,
        cohort_week_start_date
    from user_signup_cohorts
),

signups as (
    select
        user_id,
        min(occurred_at) as signed_up_at
    from events
    where event_type = 'signup'
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
