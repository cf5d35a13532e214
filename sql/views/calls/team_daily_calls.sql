-- Support calls per UTC day and team (seed 004's team metrics): each agent's day counts
-- for the team the agent was in at the end of that day, from the history of `dim_agent`,
-- so a move to another team never rewrites a team's past. A day before the agent's first
-- version counts for that first version's team (the catalog may deliver an agent after
-- their first calls); team is null for an agent the catalog has not delivered, or deleted.
create view team_daily_calls as
with

agent_days as (
    select * from agent_daily_calls
),

assigned as (
    select
        agent_days.*,
        case
            when at_day_end.agent_id is not null then at_day_end.team
            else first_version.team
        end as team
    from agent_days
    left join lateral (
        select
            versions.agent_id,
            versions.team
        from dim_agent as versions
        where
            versions.agent_id = agent_days.agent_id
            and versions.valid_from < (agent_days.call_date + 1)::timestamp at time zone 'UTC'
        order by versions.valid_from desc
        limit 1
    ) as at_day_end on true
    left join lateral (
        select versions.team
        from dim_agent as versions
        where versions.agent_id = agent_days.agent_id
        order by versions.valid_from
        limit 1
    ) as first_version on true
),

per_team as (
    select
        call_date,
        team,
        count(*) as active_agents,
        sum(calls)::bigint as calls,
        sum(conversions)::bigint as conversions,
        sum(upsells)::bigint as upsells,
        sum(upsell_revenue) as upsell_revenue,
        sum(total_duration_seconds)::bigint as total_duration_seconds,
        sum(positive_calls)::bigint as positive_calls,
        sum(neutral_calls)::bigint as neutral_calls,
        sum(negative_calls)::bigint as negative_calls
    from assigned
    group by call_date, team
),

final as (
    select
        call_date,
        team,
        active_agents,
        calls,
        conversions,
        round(100.0 * conversions / nullif(calls, 0), 2) as conversion_rate_pct,
        upsells,
        round(100.0 * upsells / nullif(calls, 0), 2) as upsell_rate_pct,
        upsell_revenue,
        round(upsell_revenue / nullif(upsells, 0), 2) as avg_upsell_amount,
        round(total_duration_seconds::numeric / nullif(calls, 0), 1) as avg_duration_seconds,
        positive_calls,
        neutral_calls,
        negative_calls,
        round(100.0 * positive_calls / nullif(calls, 0), 2) as positive_pct,
        round(100.0 * negative_calls / nullif(calls, 0), 2) as negative_pct
    from per_team
)

select * from final
order by call_date desc, team;

grant select on team_daily_calls to pulse_reader;
