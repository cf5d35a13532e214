-- Drift of `weekday_hour_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        iso_weekday,
        hour_of_day,
        event_type,
        event_count
    from weekday_hour_activity
),

recomputed as (
    select
        extract(isodow from occurred_at at time zone 'UTC')::smallint as iso_weekday,
        extract(hour from occurred_at at time zone 'UTC')::smallint as hour_of_day,
        event_type,
        count(*) as event_count
    from events
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
