-- Drift of `active_user_days_by_gap`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- Once FACTS_RETENTION_DAYS has dropped facts, the days of the retained ones are compared,
-- their gaps reaching back before them through the history of `user_active_days`.
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows they proved are
    -- history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

stored as (
    select
        activity_date,
        days_since_previous,
        users
    from active_user_days_by_gap
    where activity_date >= (select retained_from_date from retention)
),

user_days as (
    select distinct
        user_id,
        (occurred_at at time zone 'UTC')::date as activity_date
    from events
    where occurred_at >= (select retained_from from retention)
    union
    select
        user_id,
        activity_date
    from user_active_days
    where activity_date < (select retained_from_date from retention)
),

gaps as (
    select
        activity_date,
        coalesce(
            least(activity_date - lag(activity_date) over (
                partition by user_id order by activity_date
            ), 30),
            30
        ) as days_since_previous
    from user_days
),

recomputed as (
    select
        activity_date,
        days_since_previous::smallint as days_since_previous,
        count(*) as users
    from gaps
    where activity_date >= (select retained_from_date from retention)
    group by activity_date, days_since_previous
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
