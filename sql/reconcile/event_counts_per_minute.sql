-- Drift of `event_counts_per_minute`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        minute_at,
        event_type,
        event_count
    from event_counts_per_minute
),

recomputed as (
    select
        date_trunc('minute', occurred_at, 'UTC') as minute_at,
        event_type,
        count(*) as event_count
    from events
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
