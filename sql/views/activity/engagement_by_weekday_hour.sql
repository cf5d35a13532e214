-- Engagement by ISO weekday x hour of day (UTC), every one of the 168 slots, with each
-- slot's share of all content engagement.
create view engagement_by_weekday_hour as
with

activity as (
    select * from weekday_hour_activity
),

levels as (
    select * from event_types
),

slots as (
    select
        weekday.iso_weekday,
        hour.hour_of_day
    from generate_series(1, 7) as weekday (iso_weekday)
    cross join generate_series(0, 23) as hour (hour_of_day)
),

per_slot as (
    select
        activity.iso_weekday,
        activity.hour_of_day,
        sum(activity.event_count) filter (where activity.event_type = 'page_view') as views,
        sum(activity.event_count) filter (where activity.event_type = 'like') as likes,
        sum(activity.event_count) filter (where activity.event_type = 'comment') as comments,
        sum(activity.event_count) filter (where activity.event_type = 'share') as shares,
        sum(activity.event_count) filter (where levels.is_content_engagement) as engagements,
        sum(activity.event_count)::bigint as all_events
    from activity
    left join levels on activity.event_type = levels.event_type
    group by 1, 2
),

final as (
    select
        slots.iso_weekday,
        (array[
            'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
        ])[slots.iso_weekday] as weekday_name,
        slots.hour_of_day,
        coalesce(per_slot.views, 0)::bigint as views,
        coalesce(per_slot.likes, 0)::bigint as likes,
        coalesce(per_slot.comments, 0)::bigint as comments,
        coalesce(per_slot.shares, 0)::bigint as shares,
        coalesce(per_slot.engagements, 0)::bigint as total_engagements,
        coalesce(per_slot.all_events, 0)::bigint as all_events,
        round(
            100.0 * coalesce(per_slot.engagements, 0)
            / nullif(sum(per_slot.engagements) over (), 0),
            2
        ) as share_of_total_pct
    from slots
    left join per_slot
        on
            slots.iso_weekday = per_slot.iso_weekday
            and slots.hour_of_day = per_slot.hour_of_day
)

select * from final
order by iso_weekday, hour_of_day;

grant select on engagement_by_weekday_hour to pulse_reader;
