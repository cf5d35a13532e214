-- Active users per UTC day: users with at least one event that day. Each active user-day
-- is counted once in `active_user_days_by_gap` (under the gap since the user's previous
-- active day), so the day's counts add up to its active users.
create view active_users_daily as
with

days as (
    select * from active_user_days_by_gap
),

final as (
    select
        activity_date,
        sum(users)::bigint as active_users
    from days
    group by activity_date
    having sum(users) > 0
)

select * from final;

grant select on active_users_daily to pulse_reader;
