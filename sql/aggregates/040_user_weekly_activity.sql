-- Per user per ISO week (UTC): the seven daily event counts as one array, added
-- element by element.
with

new_events as (
    select
        user_id,
        date_trunc('week', occurred_at at time zone 'UTC')::date as week_start_date,
        extract(isodow from occurred_at at time zone 'UTC')::integer as iso_weekday
    from inserted_events
),

per_user_week as (
    select
        week_start_date,
        user_id,
        array[
            count(*) filter (where iso_weekday = 1),
            count(*) filter (where iso_weekday = 2),
            count(*) filter (where iso_weekday = 3),
            count(*) filter (where iso_weekday = 4),
            count(*) filter (where iso_weekday = 5),
            count(*) filter (where iso_weekday = 6),
            count(*) filter (where iso_weekday = 7)
        ]::integer [] as daily_counts
    from new_events
    group by week_start_date, user_id
)

insert into user_weekly_activity as stored (week_start_date, user_id, daily_counts)
select
    week_start_date,
    user_id,
    daily_counts
from per_user_week
order by week_start_date, user_id
on conflict (week_start_date, user_id) do update set
    daily_counts = array[
        stored.daily_counts[1] + excluded.daily_counts[1],
        stored.daily_counts[2] + excluded.daily_counts[2],
        stored.daily_counts[3] + excluded.daily_counts[3],
        stored.daily_counts[4] + excluded.daily_counts[4],
        stored.daily_counts[5] + excluded.daily_counts[5],
        stored.daily_counts[6] + excluded.daily_counts[6],
        stored.daily_counts[7] + excluded.daily_counts[7]
    ];
