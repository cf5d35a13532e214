-- Drift of `session_funnels`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        user_id,
        session_id,
        started_at,
        ended_at,
        event_count,
        has_viewed,
        has_added_to_cart,
        has_purchased
    from session_funnels
),

recomputed as (
    select
        user_id,
        session_id,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        count(*) as event_count,
        bool_or(event_type = 'page_view') as has_viewed,
        bool_or(event_type = 'add_to_cart') as has_added_to_cart,
        bool_or(event_type = 'purchase') as has_purchased
    from events
    group by user_id, session_id
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
