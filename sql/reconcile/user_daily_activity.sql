-- Drift of `user_daily_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows of earlier
    -- periods are history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

stored as (
    select
        activity_date,
        user_id,
        event_type,
        event_count
    from user_daily_activity
    where activity_date >= (select retained_from_date from retention)
),

recomputed as (
    select
        (occurred_at at time zone 'UTC')::date as activity_date,
        user_id,
        event_type,
        count(*) as event_count
    from events
    where occurred_at >= (select retained_from from retention)
    group by 1, 2, 3
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
