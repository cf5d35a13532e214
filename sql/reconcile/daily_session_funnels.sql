-- Drift of `daily_session_funnels`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        activity_date,
        sessions,
        viewed_sessions,
        carted_sessions,
        purchased_sessions
    from daily_session_funnels
),

per_session as (
    select
        min(occurred_at) as started_at,
        bool_or(event_type = 'page_view') as has_viewed,
        bool_or(event_type = 'add_to_cart') as has_added_to_cart,
        bool_or(event_type = 'purchase') as has_purchased
    from events
    group by user_id, session_id
),

recomputed as (
    select
        (started_at at time zone 'UTC')::date as activity_date,
        count(*) as sessions,
        count(*) filter (where has_viewed) as viewed_sessions,
        count(*) filter (where has_viewed and has_added_to_cart) as carted_sessions,
        count(*) filter (where has_viewed and has_added_to_cart and has_purchased)
            as purchased_sessions
    from per_session
    group by 1
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
