-- Drift of `support_calls`: its coverage of the facts. Every stored support_call event
-- has exactly one enriched row, which repeats the fact's own columns. (The detected
-- columns come from the Python rules, so SQL cannot recompute them; `rules_version` says
-- which rules wrote each row.) Empty when exact.
with

stored as (
    select
        event_id,
        occurred_at,
        call_id,
        user_id,
        agent_id,
        duration_seconds
    from support_calls
),

recomputed as (
    select
        event_id,
        occurred_at,
        call_id,
        user_id,
        agent_id,
        duration_seconds
    from events
    where event_type = 'support_call'
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
