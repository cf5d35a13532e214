-- Active users per UTC day: users with at least one event that day.
create view active_users_daily as
with

user_days as (
    select distinct
        activity_date,
        user_id
    from user_daily_activity
),

final as (
    select
        activity_date,
        count(*) as active_users
    from user_days
    group by activity_date
)

select * from final;

grant select on active_users_daily to pulse_reader;
