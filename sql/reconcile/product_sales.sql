-- Drift of `product_sales`: the stored rows that a full recomputation from `events` does
-- not produce, and the recomputed rows it lacks. Empty when exact. All-time totals: once
-- FACTS_RETENTION_DAYS has dropped facts, the days before the retained ones are taken
-- from the history of `product_daily_sales`, so every row stays comparable.
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows they proved are
    -- history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

stored as (
    select
        product_id,
        currency,
        cart_adds,
        cart_removes,
        orders,
        units_sold,
        revenue
    from product_sales
),

retained as (
    select
        product_id,
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
    group by 1, 2
),

history as (
    select
        product_id,
        currency,
        cart_adds,
        cart_removes,
        orders,
        units_sold,
        revenue
    from product_daily_sales
    where activity_date < (select retained_from_date from retention)
),

recomputed as (
    select
        product_id,
        currency,
        sum(cart_adds)::bigint as cart_adds,
        sum(cart_removes)::bigint as cart_removes,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue
    from (
        select * from retained
        union all
        select * from history
    ) as both_sides
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
