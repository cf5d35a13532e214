-- Events per UTC minute and event type (event time).
create view action_trends_by_minute as
with

per_minute as (
    select * from event_counts_per_minute
),

final as (
    select
        minute_at as bucket_at,
        event_type,
        event_count
    from per_minute
)

select * from final;

grant select on action_trends_by_minute to pulse_reader;
