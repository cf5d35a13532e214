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

grant select on agent_names to pulse_reader;
