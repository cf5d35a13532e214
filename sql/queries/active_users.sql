-- DAU, WAU and MAU as of a UTC day: users active that day, in the 7 days and in the 30
-- days ending that day, and stickiness (DAU / MAU). Parameters: as_of (a date).
-- Exact, from at most 30 x 30 rows of `active_user_days_by_gap`: a user active in a
-- window is counted once, on the day whose previous active day lies before the window
-- (migration 130).
with

days as (
    select
        activity_date,
        days_since_previous,
        users
    from active_user_days_by_gap
    where
        activity_date > %(as_of)s::date - 30
        and activity_date <= %(as_of)s::date
),

counts as (
    select
        coalesce(sum(users) filter (
            where activity_date = %(as_of)s::date
        ), 0)::bigint as daily_active_users,
        coalesce(sum(users) filter (
            where
                activity_date > %(as_of)s::date - 7
                and activity_date - days_since_previous <= %(as_of)s::date - 7
        ), 0)::bigint as weekly_active_users,
        coalesce(sum(users) filter (
            where activity_date - days_since_previous <= %(as_of)s::date - 30
        ), 0)::bigint as monthly_active_users
    from days
),

final as (
    select
        %(as_of)s::date as as_of_date,
        daily_active_users,
        weekly_active_users,
        monthly_active_users,
        round(100.0 * daily_active_users / nullif(monthly_active_users, 0), 2)
            as stickiness_pct
    from counts
)

select * from final;
