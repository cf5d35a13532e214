-- Events in the last 1, 5 and 60 minutes and 24 hours: the complete UTC minutes before
-- the current one (a window's figure is final, it never shrinks as a minute rolls over).
create view live_counters as
with

per_minute as (
    select * from event_counts_per_minute
),

windows as (
    select
        window_name,
        window_minutes,
        date_trunc('minute', now(), 'UTC') - window_minutes * interval '1 minute'
            as window_started_at,
        date_trunc('minute', now(), 'UTC') as window_ended_at
    from (
        values ('1 minute', 1), ('5 minutes', 5), ('60 minutes', 60), ('24 hours', 1440)
    ) as sizes (window_name, window_minutes)
),

final as (
    select
        windows.window_name,
        windows.window_minutes,
        windows.window_started_at,
        windows.window_ended_at,
        coalesce(sum(per_minute.event_count), 0)::bigint as event_count,
        round(coalesce(sum(per_minute.event_count), 0) / (windows.window_minutes * 60.0), 3)
            as events_per_second
    from windows
    left join per_minute
        on
            per_minute.minute_at >= windows.window_started_at
            and per_minute.minute_at < windows.window_ended_at
    group by 1, 2, 3, 4
)

select * from final
order by window_minutes;

grant select on live_counters to pulse_reader;
