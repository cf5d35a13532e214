-- DAU, WAU and MAU as of a UTC day: users active that day, in the 7 days and in the 30
-- days ending that day, and stickiness (DAU / MAU). Parameters: as_of (a date).
with

user_days as (
    select
        activity_date,
        user_id
    from user_daily_activity
    where
        activity_date > %(as_of)s::date - 30
        and activity_date <= %(as_of)s::date
),

counts as (
    select
        count(distinct user_id) filter (
            where activity_date = %(as_of)s::date
        ) as daily_active_users,
        count(distinct user_id) filter (
            where activity_date > %(as_of)s::date - 7
        ) as weekly_active_users,
        count(distinct user_id) as monthly_active_users
    from user_days
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
