-- Weekly retention of the latest signup cohorts: the share of each cohort active N weeks
-- after its signup week (as in the view `weekly_retention`, restricted to the cohorts and
-- weeks asked for, so that only their weekly rows are read). Parameters: cohorts (how many
-- recent cohorts), weeks (up to week N).
with

signups as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from user_activity
    where signed_up_at is not null
),

recent_cohorts as (
    select distinct cohort_week_start_date
    from signups
    order by cohort_week_start_date desc
    limit %(cohorts)s
),

cohort_members as (
    select signups.*
    from signups
    inner join recent_cohorts
        on signups.cohort_week_start_date = recent_cohorts.cohort_week_start_date
),

user_weeks as (
    select * from user_weekly_activity
    where week_start_date >= (select min(cohort_week_start_date) from recent_cohorts)
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
    where
        user_weeks.week_start_date >= cohort_members.cohort_week_start_date
        and user_weeks.week_start_date
        <= cohort_members.cohort_week_start_date + 7 * %(weeks)s
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

select * from final
order by cohort_week_start_date, week_number;
