-- Per UTC minute per event type: action trends by minute and the rolling live counters.
-- Last in the batch: in live traffic every consumer updates the current minute's rows.
with

per_minute as (
    select
        date_trunc('minute', occurred_at, 'UTC') as minute_at,
        event_type,
        count(*) as event_count
    from inserted_events
    group by 1, 2
)

insert into event_counts_per_minute as stored (minute_at, event_type, event_count)
select
    minute_at,
    event_type,
    event_count
from per_minute
order by minute_at, event_type
on conflict (minute_at, event_type) do update set
    event_count = stored.event_count + excluded.event_count;
