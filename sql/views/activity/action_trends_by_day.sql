-- Events per UTC day and event type (event time), summed from the hourly counts.
create view action_trends_by_day as
with

per_hour as (
    select * from event_counts_per_hour
),

final as (
    select
        date_trunc('day', hour_at, 'UTC') as bucket_at,
        event_type,
        sum(event_count)::bigint as event_count
    from per_hour
    group by 1, 2
)

select * from final;

grant select on action_trends_by_day to pulse_reader;
