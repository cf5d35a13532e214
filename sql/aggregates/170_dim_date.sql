-- The calendar (dim_date) covers, without a gap, every day from the earliest event's
-- through 31 December of the year after the newest event's. The batch's first and last
-- days (one pass over the staged rows: about 5 ms for 20,000) are compared with the
-- calendar's two ends (two index probes); only the days beyond them are inserted, so a
-- batch whose days are covered writes nothing, and the calendar grows a year at a time.
-- Both ranges touch the calendar, so it stays contiguous; two consumers extending it at
-- once insert the same days in ascending order and one skips them. The contract bounds
-- event time (LATE_HORIZON_DAYS at most 100 years), so one batch adds at most ~37,000 days.
with

batch_days as (
    select
        min((occurred_at at time zone 'UTC')::date) as first_date,
        make_date(
            extract(year from max(occurred_at at time zone 'UTC'))::integer + 1, 12, 31
        ) as last_date
    from inserted_events
),

calendar as (
    select
        (select min(calendar_date) from dim_date) as first_date,
        (select max(calendar_date) from dim_date) as last_date
),

missing_ranges as (
    -- Empty calendar: the batch's whole range.
    select
        batch_days.first_date,
        batch_days.last_date
    from batch_days cross join calendar
    where calendar.first_date is null
    union all
    -- Days before the calendar's first.
    select
        batch_days.first_date,
        calendar.first_date - 1 as last_date
    from batch_days cross join calendar
    where batch_days.first_date < calendar.first_date
    union all
    -- Days after the calendar's last.
    select
        calendar.last_date + 1 as first_date,
        batch_days.last_date
    from batch_days cross join calendar
    where batch_days.last_date > calendar.last_date
),

missing_days as (
    select missing_ranges.first_date + day_offset as calendar_date
    from missing_ranges
    cross join lateral generate_series(
        0, missing_ranges.last_date - missing_ranges.first_date
    ) as day_offset
)

insert into dim_date (calendar_date)
select calendar_date
from missing_days
order by calendar_date
on conflict (calendar_date) do nothing;
