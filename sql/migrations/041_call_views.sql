-- Support-call analytics as views over the call aggregates (never over `events`). Days
-- and weeks are UTC; ratios are percentages rounded to 2 decimals, null where the
-- denominator is 0.

-- Each agent's name as most recently seen (normalised by the consumer's rules).
create view agent_names as
with

calls as (
    select * from support_calls
),

final as (
    select distinct on (agent_id)
        agent_id,
        agent_name,
        occurred_at as last_call_at
    from calls
    order by agent_id, occurred_at desc, event_id desc
)

select * from final;

-- Agents over the last 30 UTC days (today included), ranked by conversion rate, then
-- upsell revenue.
create view agent_leaderboard as
with

agent_days as (
    select * from agent_daily_calls
    where call_date > (now() at time zone 'UTC')::date - 30
),

names as (
    select * from agent_names
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
        round(100.0 * per_agent.negative_calls / nullif(per_agent.calls, 0), 2) as negative_pct
    from per_agent
    left join names
        on per_agent.agent_id = names.agent_id
)

select * from final
order by agent_rank, agent_id;

-- Per UTC day over all agents, with the number of agents who took calls.
create view daily_call_summary as
with

days as (
    select * from daily_call_metrics
),

agents_per_day as (
    select
        call_date,
        count(*) as active_agents
    from agent_daily_calls
    group by call_date
),

final as (
    select
        days.call_date,
        agents_per_day.active_agents,
        days.calls,
        days.conversions,
        days.conversion_rate_pct,
        days.upsells,
        days.upsell_rate_pct,
        days.upsell_revenue,
        days.avg_upsell_amount,
        days.avg_duration_seconds,
        days.positive_calls,
        days.neutral_calls,
        days.negative_calls,
        days.positive_pct,
        days.negative_pct
    from days
    left join agents_per_day
        on days.call_date = agents_per_day.call_date
)

select * from final;

-- Agents whose conversion rate fell from one ISO week (UTC, Monday first) to the next,
-- with both weeks' rates; only weeks in which the agent took calls are compared.
create view agent_conversion_drops as
with

agent_days as (
    select * from agent_daily_calls
),

names as (
    select * from agent_names
),

per_week as (
    select
        agent_id,
        date_trunc('week', call_date::timestamp)::date as week_start_date,
        sum(calls)::bigint as calls,
        sum(conversions)::bigint as conversions
    from agent_days
    group by 1, 2
),

with_previous as (
    select
        agent_id,
        week_start_date,
        calls,
        conversions,
        round(100.0 * conversions / calls, 2) as conversion_rate_pct,
        lag(week_start_date) over by_week as previous_week_start_date,
        lag(calls) over by_week as previous_calls,
        lag(round(100.0 * conversions / calls, 2)) over by_week
            as previous_conversion_rate_pct
    from per_week
    window by_week as (partition by agent_id order by week_start_date)
),

final as (
    select
        with_previous.agent_id,
        names.agent_name,
        with_previous.week_start_date,
        with_previous.calls,
        with_previous.conversion_rate_pct,
        with_previous.previous_calls,
        with_previous.previous_conversion_rate_pct,
        with_previous.conversion_rate_pct
        - with_previous.previous_conversion_rate_pct as change_pct_points
    from with_previous
    left join names
        on with_previous.agent_id = names.agent_id
    where
        with_previous.previous_week_start_date = with_previous.week_start_date - 7
        and with_previous.conversion_rate_pct < with_previous.previous_conversion_rate_pct
)

select * from final
order by week_start_date desc, change_pct_points, agent_id;
