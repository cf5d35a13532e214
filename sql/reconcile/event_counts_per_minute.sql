-- Drift of `event_counts_per_minute`: the stored rows that a full recomputation from
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
        minute_at,
        event_type,
        event_count
    from event_counts_per_minute
    where minute_at >= (select retained_from from retention)
),

recomputed as (
    select
        date_trunc('minute', occurred_at, 'UTC') as minute_at,
        event_type,
        count(*) as event_count
    from events
    where occurred_at >= (select retained_from from retention)
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
