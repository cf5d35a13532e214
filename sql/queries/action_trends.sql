-- Action trends: events per type per UTC day over the last `days` days (today included),
-- read from the hourly counts (the same figures as the view `action_trends_by_day`; the
-- range on hour_at uses the table's primary key). Parameters: days.
with

per_hour as (
    select * from event_counts_per_hour
    where hour_at >= date_trunc('day', now(), 'UTC') - (%(days)s - 1) * interval '1 day'
),

final as (
    select
        (hour_at at time zone 'UTC')::date as activity_date,
        event_type,
        sum(event_count)::bigint as event_count
    from per_hour
    group by 1, 2
)

select * from final
order by activity_date, event_type;
