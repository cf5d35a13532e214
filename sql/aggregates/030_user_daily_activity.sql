-- Per user per UTC day per event type.
with

new_events as (
    select * from inserted_events
),

per_user_day as (
    select
        (occurred_at at time zone 'UTC')::date as activity_date,
        user_id,
        event_type,
        count(*) as event_count
    from new_events
    group by 1, 2, 3
)

insert into user_daily_activity as stored (activity_date, user_id, event_type, event_count)
select
    activity_date,
    user_id,
    event_type,
    event_count
from per_user_day
order by activity_date, user_id, event_type
on conflict (activity_date, user_id, event_type) do update set
    event_count = stored.event_count + excluded.event_count;
