-- Per UTC hour per event type (action trends by hour and by day).
with

per_hour as (
    select
        date_trunc('hour', occurred_at, 'UTC') as hour_at,
        event_type,
        count(*) as event_count
    from inserted_events
    group by 1, 2
)

insert into event_counts_per_hour as stored (hour_at, event_type, event_count)
select
    hour_at,
    event_type,
    event_count
from per_hour
order by hour_at, event_type
on conflict (hour_at, event_type) do update set
    event_count = stored.event_count + excluded.event_count;
