-- Each agent's name as most recently seen (normalised by the consumer's rules).
-- One index probe per agent (support_calls_agent_id_occurred_at, read backwards) rather
-- than a sort of every call: the calls carry their transcripts, and at 10M facts sorting
-- them all took 400 ms of each leaderboard and conversion-drop query. The agents are
-- those of `agent_daily_calls`, which holds every agent with a call (written in the same
-- transaction); an agent whose calls are all gone from `support_calls` has no row, as before.
create view agent_names as
with

agents as (
    select distinct agent_id from agent_daily_calls
),

final as (
    select
        agents.agent_id,
        latest.agent_name,
        latest.occurred_at as last_call_at
    from agents
    cross join lateral (
        select
            calls.agent_name,
            calls.occurred_at
        from support_calls as calls
        where calls.agent_id = agents.agent_id
        order by calls.occurred_at desc, calls.event_id desc
        limit 1
    ) as latest
)

select * from final;

grant select on agent_names to pulse_reader;
