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

grant select on daily_call_summary to pulse_reader;
