-- Weekly retention by signup cohort: of the users who signed up in an ISO week, the share
-- active in each following week (week 0 is the signup week). Users whose signup was not
-- seen (they joined before the data starts) belong to no cohort. Read from the counts kept
-- per cohort and week number (`weekly_cohort_activity`, migration 131): week 0 counts the
-- whole cohort, since the signup is activity in that week.
create view weekly_retention as
with

cohort_weeks as (
    select * from weekly_cohort_activity
    where active_users > 0
),

cohort_sizes as (
    select
        cohort_week_start_date,
        active_users as cohort_users
    from cohort_weeks
    where week_number = 0
),

final as (
    select
        cohort_weeks.cohort_week_start_date,
        cohort_sizes.cohort_users,
        cohort_weeks.week_number,
        cohort_weeks.active_users,
        round(100.0 * cohort_weeks.active_users / cohort_sizes.cohort_users, 2)
            as retention_pct
    from cohort_weeks
    inner join cohort_sizes
        on cohort_weeks.cohort_week_start_date = cohort_sizes.cohort_week_start_date
)

select * from final;

grant select on weekly_retention to pulse_reader;
