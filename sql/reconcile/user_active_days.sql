-- Drift of `user_active_days`: the stored rows that a full recomputation from `events`
-- does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        user_id,
        activity_date
    from user_active_days
),

recomputed as (
    select distinct
        user_id,
        (occurred_at at time zone 'UTC')::date as activity_date
    from events
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
