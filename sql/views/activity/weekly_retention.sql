-- Weekly retention by signup cohort: of the users who signed up in an ISO week, the share
-- active in each following week (week 0 is the signup week). Users whose signup was not
-- seen (they joined before the data starts) belong to no cohort.
create view weekly_retention as
with

cohort_members as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from user_activity
    where signed_up_at is not null
),

user_weeks as (
    select * from user_weekly_activity
),

cohort_sizes as (
    select
        cohort_week_start_date,
        count(*) as cohort_users
    from cohort_members
    group by cohort_week_start_date
),

cohort_activity as (
    select
        cohort_members.cohort_week_start_date,
        (user_weeks.week_start_date - cohort_members.cohort_week_start_date) / 7 as week_number,
        count(*) as active_users
    from cohort_members
    inner join user_weeks on cohort_members.user_id = user_weeks.user_id
    where user_weeks.week_start_date >= cohort_members.cohort_week_start_date
    group by 1, 2
),

final as (
    select
        cohort_activity.cohort_week_start_date,
        cohort_sizes.cohort_users,
        cohort_activity.week_number,
        cohort_activity.active_users,
        round(100.0 * cohort_activity.active_users / cohort_sizes.cohort_users, 2)
            as retention_pct
    from cohort_activity
    inner join cohort_sizes
        on cohort_activity.cohort_week_start_date = cohort_sizes.cohort_week_start_date
)

select * from final;

grant select on weekly_retention to pulse_reader;
