-- Agents over the last 30 UTC days, ranked by conversion rate, then upsell revenue (the
-- view `agent_leaderboard`), one page at a time. Parameters: limit, offset.
select
    agent_rank,
    agent_id,
    agent_name,
    calls,
    conversions,
    conversion_rate_pct,
    upsells,
    upsell_revenue,
    avg_duration_seconds,
    positive_pct,
    negative_pct,
    team
from agent_leaderboard
order by agent_rank, agent_id
limit %(limit)s
offset %(offset)s;
