-- Drift of `weekday_hour_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- All-time counts: once FACTS_RETENTION_DAYS dropped facts, the hours before the retained
-- ones are taken from the history of `event_counts_per_hour` (checked against the facts
-- while they were kept), so every row stays comparable.
with

retention as (
    select retained_from from facts_retention
),

stored as (
    select
        iso_weekday,
        hour_of_day,
        event_type,
        event_count
    from weekday_hour_activity
),

counted as (
    select
        occurred_at as counted_at,
        event_type,
        1 as event_count
    from events
    where occurred_at >= (select retained_from from retention)
    union all
    select
        hour_at as counted_at,
        event_type,
        event_count
    from event_counts_per_hour
    where hour_at < (select retained_from from retention)
),

recomputed as (
    select
        extract(isodow from counted_at at time zone 'UTC')::smallint as iso_weekday,
        extract(hour from counted_at at time zone 'UTC')::smallint as hour_of_day,
        event_type,
        sum(event_count)::bigint as event_count
    from counted
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
