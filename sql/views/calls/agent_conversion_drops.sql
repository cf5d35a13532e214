-- Agents whose conversion rate fell from one ISO week (UTC, Monday first) to the next,
-- with both weeks' rates: the drops of `agent_conversion_changes` (same columns).
create view agent_conversion_drops as
select * from agent_conversion_changes
where change_pct_points < 0
order by week_start_date desc, change_pct_points, agent_id;

grant select on agent_conversion_drops to pulse_reader;
