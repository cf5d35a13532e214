-- Per agent per UTC day: calls, conversions, upsells and their revenue, talk time and
-- the customers' sentiment.
-- The calls are those `140_support_calls` stored earlier in this transaction.
with

new_calls as (
    select support_calls.*
    from support_calls
    inner join inserted_events
        on support_calls.event_id = inserted_events.event_id
    where inserted_events.event_type = 'support_call'
),

per_key as (
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
    from new_calls
    group by 1, 2
)

insert into agent_daily_calls as stored (
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
)
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
from per_key
order by call_date, agent_id
on conflict (call_date, agent_id) do update set
    calls = stored.calls + excluded.calls,
    conversions = stored.conversions + excluded.conversions,
    upsells = stored.upsells + excluded.upsells,
    upsell_revenue = stored.upsell_revenue + excluded.upsell_revenue,
    total_duration_seconds = stored.total_duration_seconds + excluded.total_duration_seconds,
    positive_calls = stored.positive_calls + excluded.positive_calls,
    neutral_calls = stored.neutral_calls + excluded.neutral_calls,
    negative_calls = stored.negative_calls + excluded.negative_calls;
