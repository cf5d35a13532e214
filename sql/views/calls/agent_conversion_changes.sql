-- Every agent's conversion rate against the ISO week (UTC) before, drops and gains alike:
-- a dashboard panel that lists only drops shows nothing in a good week, which reads as
-- broken. `agent_conversion_drops` is the drops of this view (same columns, same rows).
create view agent_conversion_changes as
with

agent_days as (
    select * from agent_daily_calls
),

names as materialized (
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
)

select * from final
order by week_start_date desc, change_pct_points, agent_id;

grant select on agent_conversion_changes to pulse_reader;
