-- Drift of `user_daily_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        activity_date,
        user_id,
        event_type,
        event_count
    from user_daily_activity
),

recomputed as (
    select
        (occurred_at at time zone 'UTC')::date as activity_date,
        user_id,
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
