-- Rolling live counters: events in the last 1, 5 and 60 complete minutes and 24 hours.
select
    window_name,
    event_count,
    events_per_second,
    window_started_at,
    window_ended_at
from live_counters
order by window_minutes;
