-- Drift of `agent_daily_calls`: the stored rows that a full recomputation from the enriched
-- calls (`support_calls`, itself reconciled against `events`) does not produce, and the
-- recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        call_date,
        agent_id,
        calls,
        conversions,
        upsells,
        upsell_revenue,
        total_duration_seconds,
        positive_calls,
        neutral_calls,
        negative_calls
    from agent_daily_calls
),

recomputed as (
    select
        (occurred_at at time zone 'UTC')::date as call_date,
        agent_id,
        count(*) as calls,
        count(*) filter (where is_converted) as conversions,
        count(*) filter (where has_upsell) as upsells,
        coalesce(sum(upsell_amount), 0) as upsell_revenue,
        sum(duration_seconds) as total_duration_seconds,
        count(*) filter (where sentiment = 'positive') as positive_calls,
        count(*) filter (where sentiment = 'neutral') as neutral_calls,
        count(*) filter (where sentiment = 'negative') as negative_calls
    from support_calls
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
