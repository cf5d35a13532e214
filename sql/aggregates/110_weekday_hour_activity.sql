-- Per ISO weekday x hour of day (UTC) per event type. At most 7 x 24 x types rows, all
-- hot: it runs late in the batch so that their locks are held briefly.
with

per_slot as (
    select
        extract(isodow from occurred_at at time zone 'UTC')::smallint as iso_weekday,
        extract(hour from occurred_at at time zone 'UTC')::smallint as hour_of_day,
        event_type,
        count(*) as event_count
    from inserted_events
    group by 1, 2, 3
)

insert into weekday_hour_activity as stored (iso_weekday, hour_of_day, event_type, event_count)
select
    iso_weekday,
    hour_of_day,
    event_type,
    event_count
from per_slot
order by iso_weekday, hour_of_day, event_type
on conflict (iso_weekday, hour_of_day, event_type) do update set
    event_count = stored.event_count + excluded.event_count;
