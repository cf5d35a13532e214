-- Exact DAU, WAU and MAU without counting distinct users over a month of user-days
-- (issue 17). A user active in a window of k days is counted once, on the first day of
-- the window they were active: the active day whose previous active day lies before the
-- window. So it is enough to know, per UTC day, how many users were active that day and
-- how many days had passed since each one's previous active day:
--
--     active users in the k days ending d
--         = sum(users) over the days t in (d - k, d] with t - days_since_previous <= d - k
--
-- `active_user_days_by_gap` holds that count per (day, days since the previous active
-- day), the gap capped at 30 ("30 or more, or never active before"), which answers every
-- window of up to 30 days ending on any day exactly, reading at most 30 x 30 rows.
-- `user_active_days` (one row per user and UTC day with activity) is what keeps the gaps
-- exact under late events: a day that arrives late between two active days shortens the
-- gap of the day after it, and the batch statement (sql/aggregates/180_user_active_days.sql)
-- reads the user's days around it to move that count.

create table user_active_days (
    user_id text not null,
    activity_date date not null,
    primary key (user_id, activity_date)
);

create table active_user_days_by_gap (
    activity_date date not null,
    days_since_previous smallint not null check (days_since_previous between 1 and 30),
    -- No check (users > 0): PostgreSQL checks the row an upsert proposes, which can be a
    -- negative change, before it finds the stored row that the change applies to. A row
    -- a late day brings down to 0 is deleted by sql/aggregates/190_emptied_rollup_rows.sql.
    users bigint not null,
    primary key (activity_date, days_since_previous)
) with (fillfactor = 70);

-- The days of the facts stored before this migration: user_daily_activity holds every
-- user-day with at least one event.
insert into user_active_days (user_id, activity_date)
select distinct
    user_id,
    activity_date
from user_daily_activity
order by user_id, activity_date;

insert into active_user_days_by_gap (activity_date, days_since_previous, users)
select
    activity_date,
    days_since_previous,
    count(*) as users
from (
    select
        activity_date,
        coalesce(
            least(activity_date - lag(activity_date) over (
                partition by user_id order by activity_date
            ), 30),
            30
        ) as days_since_previous
    from user_active_days
) as gaps
group by activity_date, days_since_previous
order by activity_date, days_since_previous;

-- The batch inserts new user-days (never updates or deletes one), adds to the per-gap
-- counts and deletes the counts that fell to 0; readers (Grafana, psql, the API) read both.
grant select, insert on user_active_days to pulse_writer;
grant select, insert, update, delete on active_user_days_by_gap to pulse_writer;
grant select on user_active_days, active_user_days_by_gap to pulse_reader;
