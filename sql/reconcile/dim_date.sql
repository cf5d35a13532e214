-- Drift of `dim_date`: the calendar must hold, without a gap, every day from the earliest
-- of its own first day and the earliest event's day to the latest of its own last day and
-- the newest event's day (the days ahead are not recomputed: how far ahead it reaches is
-- the batch's choice), each with the right attributes. The attributes are recomputed with
-- to_char, independently of the extract() expressions that generate the stored columns.
-- A "recomputed only" row is a day the calendar lacks (or whose stored attributes are
-- wrong, then with a "stored only" twin).
with

stored as (
    select
        calendar_date,
        calendar_year,
        quarter_of_year,
        month_of_year,
        month_name,
        day_of_month,
        day_of_year,
        iso_year,
        iso_week,
        iso_weekday,
        weekday_name,
        is_weekend,
        week_start_date,
        month_start_date,
        quarter_start_date
    from dim_date
),

bounds as (
    select
        least(
            (select min(calendar_date) from dim_date),
            (select min((occurred_at at time zone 'UTC')::date) from events)
        ) as first_date,
        greatest(
            (select max(calendar_date) from dim_date),
            (select max((occurred_at at time zone 'UTC')::date) from events)
        ) as last_date
),

days as (
    select bounds.first_date + day_offset as calendar_date
    from bounds
    cross join lateral generate_series(0, bounds.last_date - bounds.first_date) as day_offset
),

recomputed as (
    select
        calendar_date,
        to_char(calendar_date, 'YYYY')::smallint as calendar_year,
        to_char(calendar_date, 'Q')::smallint as quarter_of_year,
        to_char(calendar_date, 'MM')::smallint as month_of_year,
        to_char(calendar_date, 'FMMonth') as month_name,
        to_char(calendar_date, 'DD')::smallint as day_of_month,
        to_char(calendar_date, 'DDD')::smallint as day_of_year,
        to_char(calendar_date, 'IYYY')::smallint as iso_year,
        to_char(calendar_date, 'IW')::smallint as iso_week,
        to_char(calendar_date, 'ID')::smallint as iso_weekday,
        to_char(calendar_date, 'FMDay') as weekday_name,
        to_char(calendar_date, 'ID') in ('6', '7') as is_weekend,
        to_date(to_char(calendar_date, 'IYYY-IW'), 'IYYY-IW') as week_start_date,
        to_date(to_char(calendar_date, 'YYYY-MM'), 'YYYY-MM') as month_start_date,
        to_date(
            to_char(calendar_date, 'YYYY') || '-' || (3 * to_char(calendar_date, 'Q')::integer - 2),
            'YYYY-MM'
        ) as quarter_start_date
    from days
),

stored_only as (
    select * from stored
    except
    select * from recomputed
),

recomputed_only as (
    select * from recomputed
    except
    select * from stored
),

final as (
    select
        'stored only' as side,
        stored_only.*
    from stored_only
    union all
    select
        'recomputed only' as side,
        recomputed_only.*
    from recomputed_only
)

select * from final;
