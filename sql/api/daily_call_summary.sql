-- Support calls per UTC day over all agents, over the last `days` days (today included),
-- newest first (the view `daily_call_summary`). Parameters: days.
select
    call_date,
    active_agents,
    calls,
    conversions,
    conversion_rate_pct,
    upsells,
    upsell_rate_pct,
    upsell_revenue,
    avg_upsell_amount,
    avg_duration_seconds,
    positive_calls,
    neutral_calls,
    negative_calls,
    positive_pct,
    negative_pct
from daily_call_summary
where call_date > (now() at time zone 'UTC')::date - %(days)s
order by call_date desc;
