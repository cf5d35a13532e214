-- Drift of `daily_sales`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

stored as (
    select
        activity_date,
        currency,
        orders,
        units_sold,
        revenue
    from daily_sales
),

recomputed as (
    select
        (occurred_at at time zone 'UTC')::date as activity_date,
        currency,
        count(*) as orders,
        sum(quantity) as units_sold,
        sum(quantity * unit_price) as revenue
    from events
    where event_type = 'purchase'
    group by 1, 2
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
