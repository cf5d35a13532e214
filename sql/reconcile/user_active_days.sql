-- Drift of `user_active_days`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact.
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
        user_id,
        activity_date
    from user_active_days
    where activity_date >= (select retained_from_date from retention)
),

recomputed as (
    select distinct
        user_id,
        (occurred_at at time zone 'UTC')::date as activity_date
    from events
    where occurred_at >= (select retained_from from retention)
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
