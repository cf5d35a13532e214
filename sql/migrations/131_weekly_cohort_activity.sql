-- Weekly retention without joining every cohort member to every one of their weeks
-- (issue 17): per signup cohort (the ISO week, UTC, of the user's earliest signup event)
-- and week number (weeks since the cohort's week), how many of its users were active.
-- Week 0 counts the whole cohort, since the signup itself is activity in that week.
--
-- `user_signup_cohorts` remembers each user's cohort, so that the batch statement
-- (sql/aggregates/182_weekly_cohort_activity.sql) knows which counts to take back when a
-- late signup moves a user to an earlier cohort.

create table user_signup_cohorts (
    user_id text primary key,
    cohort_week_start_date date not null
);

create table weekly_cohort_activity (
    cohort_week_start_date date not null,
    week_number integer not null check (week_number >= 0),
    -- No check (active_users > 0): PostgreSQL checks the row an upsert proposes, which can
    -- be a negative change, before it finds the stored row that the change applies to. A
    -- row a moved user brings down to 0 is deleted by 190_emptied_rollup_rows.sql.
    active_users bigint not null,
    primary key (cohort_week_start_date, week_number)
) with (fillfactor = 70);

-- The cohorts and weeks of the facts stored before this migration (user_activity keeps
-- the earliest signup, user_weekly_activity every week a user was active).
insert into user_signup_cohorts (user_id, cohort_week_start_date)
select
    user_id,
    date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
from user_activity
where signed_up_at is not null
order by user_id;

insert into weekly_cohort_activity (cohort_week_start_date, week_number, active_users)
select
    cohorts.cohort_week_start_date,
    (weeks.week_start_date - cohorts.cohort_week_start_date) / 7 as week_number,
    count(*) as active_users
from user_signup_cohorts as cohorts
inner join user_weekly_activity as weeks on cohorts.user_id = weeks.user_id
where weeks.week_start_date >= cohorts.cohort_week_start_date
group by 1, 2
order by 1, 2;

-- The batch inserts a user's cohort and moves it to an earlier week; it adds to the
-- counts and deletes those that fell to 0. Readers read both.
grant select, insert, update on user_signup_cohorts to pulse_writer;
grant select, insert, update, delete on weekly_cohort_activity to pulse_writer;
grant select on user_signup_cohorts, weekly_cohort_activity to pulse_reader;
