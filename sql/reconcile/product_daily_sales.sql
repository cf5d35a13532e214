-- Drift of `product_daily_sales`: the stored rows that a full recomputation from
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
        product_id,
        activity_date,
        currency,
        cart_adds,
        cart_removes,
        orders,
        units_sold,
        revenue
    from product_daily_sales
    where activity_date >= (select retained_from_date from retention)
),

recomputed as (
    select
        product_id,
        (occurred_at at time zone 'UTC')::date as activity_date,
        currency,
        count(*) filter (where event_type = 'add_to_cart') as cart_adds,
        count(*) filter (where event_type = 'remove_from_cart') as cart_removes,
        count(*) filter (where event_type = 'purchase') as orders,
        coalesce(sum(quantity) filter (where event_type = 'purchase'), 0) as units_sold,
        coalesce(sum(quantity * unit_price) filter (where event_type = 'purchase'), 0) as revenue
    from events
    where
        product_id is not null
        and occurred_at >= (select retained_from from retention)
    group by 1, 2, 3
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
