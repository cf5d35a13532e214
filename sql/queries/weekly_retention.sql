-- Weekly retention of the latest signup cohorts: the share of each cohort active N weeks
-- after its signup week (as in the view `weekly_retention`), from the counts kept per
-- cohort and week number (`weekly_cohort_activity`, migration 131; week 0 is the whole
-- cohort). Only the rows of the cohorts asked for are read, from the newest back.
-- Parameters: cohorts (how many recent cohorts), weeks (up to week N).
with

recent_cohorts as (
    select
        cohort_week_start_date,
        active_users as cohort_users
    from weekly_cohort_activity
    where week_number = 0 and active_users > 0
    order by cohort_week_start_date desc
    limit %(cohorts)s
),

cohort_weeks as (
    select * from weekly_cohort_activity
    where
        cohort_week_start_date >= (select min(cohort_week_start_date) from recent_cohorts)
        and week_number <= %(weeks)s
        and active_users > 0
),

final as (
    select
        cohort_weeks.cohort_week_start_date,
        recent_cohorts.cohort_users,
        cohort_weeks.week_number,
        cohort_weeks.active_users,
        round(100.0 * cohort_weeks.active_users / recent_cohorts.cohort_users, 2)
            as retention_pct
    from cohort_weeks
    inner join recent_cohorts
        on cohort_weeks.cohort_week_start_date = recent_cohorts.cohort_week_start_date
)

select * from final
order by cohort_week_start_date, week_number;
