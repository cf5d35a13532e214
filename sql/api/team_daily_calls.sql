-- Support calls per UTC day and team over the last `days` days (today included), newest
-- first, teams by name with the agents the catalog has not placed (team null) last (the
-- view `team_daily_calls`). Parameters: days.
select
    call_date,
    team,
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
from team_daily_calls
where call_date > (now() at time zone 'UTC')::date - %(days)s
order by call_date desc, team nulls last;
