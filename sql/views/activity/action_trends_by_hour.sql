-- Events per UTC hour and event type (event time).
create view action_trends_by_hour as
with

per_hour as (
    select * from event_counts_per_hour
),

final as (
    select
        hour_at as bucket_at,
        event_type,
        event_count
    from per_hour
)

select * from final;

grant select on action_trends_by_hour to pulse_reader;
