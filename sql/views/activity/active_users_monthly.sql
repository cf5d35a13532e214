-- Active users per calendar month (UTC).
create view active_users_monthly as
with

user_months as (
    select distinct
        date_trunc('month', activity_date::timestamp)::date as month_start_date,
        user_id
    from user_daily_activity
),

final as (
    select
        month_start_date,
        count(*) as active_users
    from user_months
    group by month_start_date
)

select * from final;

grant select on active_users_monthly to pulse_reader;
