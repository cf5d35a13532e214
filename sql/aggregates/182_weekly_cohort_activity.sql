-- Weekly retention counts per signup cohort and week number (migration 131).
--
-- Two things change them. A user with a cohort who is active in a week for the first time
-- adds 1 to (cohort, week number): the new user-weeks are those whose stored daily counts
-- (`040_user_weekly_activity`, earlier in this transaction) add up to just this batch's
-- events. A user whose cohort this batch sets or moves to an earlier week (a first or a
-- late signup) takes back every count of the old cohort and adds one per active week to
-- the new one; their weeks come from `user_active_days` (`180_user_active_days`, earlier
-- in this transaction, has added this batch's days). The cohorts are read in the same
-- statement as the upsert that moves them, so `previous_cohorts` holds those before this
-- batch. `010_user_activity` has locked the batch's users, so no other transaction
-- changes them meanwhile. Rows go in key order (no deadlocks).
with

signups as (
    select
        user_id,
        min(occurred_at) as signed_up_at
    from inserted_events
    where event_type = 'signup'
    group by user_id
),

batch_signups as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from signups
),

previous_cohorts as (
    select
        batch_signups.user_id,
        stored.cohort_week_start_date
    from batch_signups
    inner join lateral (
        -- offset 0: one primary-key probe per user, never a scan of every cohort.
        select cohorts.cohort_week_start_date
        from user_signup_cohorts as cohorts
        where cohorts.user_id = batch_signups.user_id
        offset 0
    ) as stored on true
),

moved as (
    insert into user_signup_cohorts as stored (user_id, cohort_week_start_date)
    select
        user_id,
        cohort_week_start_date
    from batch_signups
    order by user_id
    on conflict (user_id) do update set
        cohort_week_start_date = excluded.cohort_week_start_date
    where excluded.cohort_week_start_date < stored.cohort_week_start_date
    returning user_id, cohort_week_start_date
),

batch_weeks as (
    select
        user_id,
        date_trunc('week', occurred_at at time zone 'UTC')::date as week_start_date,
        count(*) as events
    from inserted_events
    group by 1, 2
),

new_weeks as (
    select
        batch_weeks.user_id,
        batch_weeks.week_start_date
    from batch_weeks
    inner join lateral (
        select weeks.daily_counts
        from user_weekly_activity as weeks
        where
            weeks.week_start_date = batch_weeks.week_start_date
            and weeks.user_id = batch_weeks.user_id
        offset 0
    ) as stored on true
    where (
        select sum(daily_count) from unnest(stored.daily_counts) as daily_count
    ) = batch_weeks.events
),

-- Users whose cohort stays: their new weeks, under the cohort they had.
kept_cohort_weeks as (
    select
        cohorts.cohort_week_start_date,
        new_weeks.week_start_date,
        1 as users
    from new_weeks
    inner join lateral (
        select stored.cohort_week_start_date
        from user_signup_cohorts as stored
        where stored.user_id = new_weeks.user_id
        offset 0
    ) as cohorts on true
    where not exists (select from moved where moved.user_id = new_weeks.user_id)
),

moved_user_weeks as (
    select distinct
        moved.user_id,
        days.activity_date - (extract(isodow from days.activity_date)::integer - 1)
            as week_start_date
    from moved
    inner join lateral (
        select stored.activity_date
        from user_active_days as stored
        where stored.user_id = moved.user_id
        offset 0
    ) as days on true
),

-- Users whose cohort moved: every week under the new cohort, and the weeks they had
-- before this batch taken back from the old one.
moved_cohort_weeks as (
    select
        moved.cohort_week_start_date,
        moved_user_weeks.week_start_date,
        1 as users
    from moved_user_weeks
    inner join moved on moved_user_weeks.user_id = moved.user_id
    union all
    select
        previous_cohorts.cohort_week_start_date,
        moved_user_weeks.week_start_date,
        -1 as users
    from moved_user_weeks
    inner join previous_cohorts on moved_user_weeks.user_id = previous_cohorts.user_id
    where not exists (
        select from new_weeks
        where
            new_weeks.user_id = moved_user_weeks.user_id
            and new_weeks.week_start_date = moved_user_weeks.week_start_date
    )
),

changes as (
    select
        cohort_week_start_date,
        (week_start_date - cohort_week_start_date) / 7 as week_number,
        users
    from kept_cohort_weeks
    where week_start_date >= cohort_week_start_date
    union all
    select
        cohort_week_start_date,
        (week_start_date - cohort_week_start_date) / 7 as week_number,
        users
    from moved_cohort_weeks
    where week_start_date >= cohort_week_start_date
),

per_cell as (
    select
        cohort_week_start_date,
        week_number,
        sum(users) as active_users
    from changes
    group by cohort_week_start_date, week_number
    having sum(users) <> 0
)

insert into weekly_cohort_activity as stored (cohort_week_start_date, week_number, active_users)
select
    cohort_week_start_date,
    week_number,
    active_users
from per_cell
order by cohort_week_start_date, week_number
on conflict (cohort_week_start_date, week_number) do update set
    active_users = stored.active_users + excluded.active_users;
