-- The calendar dimension of the star-schema seed: one row per UTC day, with no gap, from
-- the earliest event's day through 31 December of the year after the newest event's
-- (sql/aggregates/170_dim_date.sql extends it in each batch transaction; reconcile checks
-- that it covers every event's day). Only the date is ever written: every other column is
-- generated from it by PostgreSQL, so the attributes have one definition, this file
-- (reconcile recomputes them another way, with to_char).
create table dim_date (
    calendar_date date primary key,
    calendar_year smallint generated always as (extract(year from calendar_date)) stored,
    quarter_of_year smallint generated always as (extract(quarter from calendar_date)) stored,
    month_of_year smallint generated always as (extract(month from calendar_date)) stored,
    month_name text generated always as (
        (array[
            'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
            'September', 'October', 'November', 'December'
        ])[extract(month from calendar_date)]
    ) stored,
    day_of_month smallint generated always as (extract(day from calendar_date)) stored,
    day_of_year smallint generated always as (extract(doy from calendar_date)) stored,
    -- ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday, so the
    -- ISO year of late December or early January days can differ from calendar_year.
    iso_year smallint generated always as (extract(isoyear from calendar_date)) stored,
    iso_week smallint generated always as (extract(week from calendar_date)) stored,
    iso_weekday smallint generated always as (extract(isodow from calendar_date)) stored,
    weekday_name text generated always as (
        (array[
            'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
        ])[extract(isodow from calendar_date)]
    ) stored,
    is_weekend boolean generated always as (extract(isodow from calendar_date) >= 6) stored,
    week_start_date date generated always as (
        calendar_date - (extract(isodow from calendar_date)::integer - 1)
    ) stored,
    month_start_date date generated always as (
        make_date(extract(year from calendar_date)::integer, extract(month from calendar_date)::integer, 1)
    ) stored,
    quarter_start_date date generated always as (
        make_date(
            extract(year from calendar_date)::integer,
            3 * (extract(quarter from calendar_date)::integer - 1) + 1,
            1
        )
    ) stored
);

-- The days of the events stored before this migration, and the days ahead.
insert into dim_date (calendar_date)
select bounds.first_date + day_offset
from (
    select
        min((occurred_at at time zone 'UTC')::date) as first_date,
        make_date(
            extract(year from max(occurred_at at time zone 'UTC'))::integer + 1, 12, 31
        ) as last_date
    from events
) as bounds
cross join lateral generate_series(0, bounds.last_date - bounds.first_date) as day_offset
where bounds.first_date is not null
order by 1;

-- The batch transaction reads the calendar's bounds and inserts the missing days; it
-- never updates or deletes one. Readers (Grafana, psql) join it.
grant select, insert on dim_date to pulse_writer;
grant select on dim_date to pulse_reader;
