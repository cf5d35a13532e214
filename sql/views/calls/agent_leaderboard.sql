-- Agents over the last 30 UTC days (today included), ranked by conversion rate, then
-- upsell revenue. The name is the one their calls carry (`agent_names`); the team is the
-- agent's current one in the catalog (null until it delivered it).
create view agent_leaderboard as
with

agent_days as (
    select * from agent_daily_calls
    where call_date > (now() at time zone 'UTC')::date - 30
),

names as (
    select * from agent_names
),

agents as (
    select * from dim_agent_current
),

per_agent as (
    select
        agent_id,
        sum(calls)::bigint as calls,
        sum(conversions)::bigint as conversions,
        sum(upsells)::bigint as upsells,
        sum(upsell_revenue) as upsell_revenue,
        sum(total_duration_seconds)::bigint as total_duration_seconds,
        sum(positive_calls)::bigint as positive_calls,
        sum(neutral_calls)::bigint as neutral_calls,
        sum(negative_calls)::bigint as negative_calls
    from agent_days
    group by agent_id
),

final as (
    select
        rank() over (
            order by
                per_agent.conversions::numeric / per_agent.calls desc,
                per_agent.upsell_revenue desc
        ) as agent_rank,
        per_agent.agent_id,
        names.agent_name,
        per_agent.calls,
        per_agent.conversions,
        round(100.0 * per_agent.conversions / nullif(per_agent.calls, 0), 2)
            as conversion_rate_pct,
        per_agent.upsells,
        per_agent.upsell_revenue,
        round(per_agent.total_duration_seconds::numeric / nullif(per_agent.calls, 0), 1)
            as avg_duration_seconds,
        round(100.0 * per_agent.positive_calls / nullif(per_agent.calls, 0), 2) as positive_pct,
        round(100.0 * per_agent.negative_calls / nullif(per_agent.calls, 0), 2) as negative_pct,
        agents.team
    from per_agent
    left join names
        on per_agent.agent_id = names.agent_id
    left join agents
        on per_agent.agent_id = agents.agent_id
)

select * from final
order by agent_rank, agent_id;

grant select on agent_leaderboard to pulse_reader;
