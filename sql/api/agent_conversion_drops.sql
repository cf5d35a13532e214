-- Agents whose conversion rate fell from one ISO week (UTC) to the next, over the last
-- `weeks` weeks (the current one included), newest week and steepest drop first (the
-- view `agent_conversion_drops`). Parameters: weeks.
select
    agent_id,
    agent_name,
    week_start_date,
    calls,
    conversion_rate_pct,
    previous_calls,
    previous_conversion_rate_pct,
    change_pct_points
from agent_conversion_drops
where week_start_date > date_trunc('week', now() at time zone 'UTC')::date - 7 * %(weeks)s
order by week_start_date desc, change_pct_points, agent_id;
