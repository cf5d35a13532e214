-- Drift of `product_sales`: the stored rows that a full recomputation from `events` does
-- not produce, and the recomputed rows it lacks. Empty when exact.
with

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

recomputed as (
    select
        product_id,
        currency,
        count(*) filter (where event_type = 'add_to_cart') as cart_adds,
        count(*) filter (where event_type = 'remove_from_cart') as cart_removes,
        count(*) filter (where event_type = 'purchase') as orders,
        coalesce(sum(quantity) filter (where event_type = 'purchase'), 0) as units_sold,
        coalesce(sum(quantity * unit_price) filter (where event_type = 'purchase'), 0) as revenue
    from events
    where product_id is not null
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
