-- Drift of `support_calls`: its coverage of the facts. Every stored support_call event
-- has exactly one enriched row, which repeats the fact's own columns. (The detected
-- columns come from the Python rules, so SQL cannot recompute them; `rules_version` says
-- which rules wrote each row.) Empty when exact.
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
        event_id,
        occurred_at,
        call_id,
        user_id,
        agent_id,
        duration_seconds
    from support_calls
    where occurred_at >= (select retained_from from retention)
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
    where
        event_type = 'support_call'
        and occurred_at >= (select retained_from from retention)
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
