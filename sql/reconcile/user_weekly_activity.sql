-- Drift of `user_weekly_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows of earlier
    -- periods are history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

stored as (
    select
        week_start_date,
        user_id,
        daily_counts
    from user_weekly_activity
    where week_start_date >= (select retained_from_date from retention)
),

days as (
    select
        user_id,
        date_trunc('week', occurred_at at time zone 'UTC')::date as week_start_date,
        extract(isodow from occurred_at at time zone 'UTC')::integer as iso_weekday
    from events
    where occurred_at >= (select retained_from from retention)
),

recomputed as (
    select
        week_start_date,
        user_id,
        array[
            count(*) filter (where iso_weekday = 1),
            count(*) filter (where iso_weekday = 2),
            count(*) filter (where iso_weekday = 3),
            count(*) filter (where iso_weekday = 4),
            count(*) filter (where iso_weekday = 5),
            count(*) filter (where iso_weekday = 6),
            count(*) filter (where iso_weekday = 7)
        ]::integer [] as daily_counts
    from days
    group by week_start_date, user_id
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
