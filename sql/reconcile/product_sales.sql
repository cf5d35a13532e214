-- Drift of `product_sales`: the stored rows that a recomputation from
-- `product_daily_sales` does not produce, and the recomputed rows it lacks. Empty when
-- exact. The daily rows keep their history when FACTS_RETENTION_DAYS drops facts and are
-- themselves reconciled (sql/reconcile/product_daily_sales.sql), so these totals are
-- compared in full, retention or not.
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
        sum(cart_adds)::bigint as cart_adds,
        sum(cart_removes)::bigint as cart_removes,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue
    from product_daily_sales
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
