-- Active users per ISO week (UTC, Monday first).
create view active_users_weekly as
with

user_weeks as (
    select * from user_weekly_activity
),

final as (
    select
        week_start_date,
        count(*) as active_users
    from user_weeks
    group by week_start_date
)

select * from final;

grant select on active_users_weekly to pulse_reader;
