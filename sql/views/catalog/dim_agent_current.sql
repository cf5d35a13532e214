-- Each support agent as they are now: the current version of `dim_agent`, deleted ones
-- left out. updated_at is when this version became true (its valid_from).
create view dim_agent_current as
with

versions as (
    select * from dim_agent
),

final as (
    select
        agent_id,
        agent_name,
        team,
        valid_from as updated_at
    from versions
    where is_current and not is_deleted
)

select * from final;

grant select on dim_agent_current to pulse_reader;
