-- Products by units sold, all time, per currency; with the cart activity that led there.
create view product_popularity as
with

product_days as (
    select * from product_daily_sales
),

totals as (
    select
        product_id,
        currency,
        sum(cart_adds)::bigint as cart_adds,
        sum(cart_removes)::bigint as cart_removes,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue
    from product_days
    group by product_id, currency
),

final as (
    select
        currency,
        rank() over (partition by currency order by units_sold desc) as popularity_rank,
        product_id,
        cart_adds,
        cart_removes,
        orders,
        units_sold,
        revenue,
        round(100.0 * orders / nullif(cart_adds, 0), 2) as cart_to_order_pct
    from totals
)

select * from final
order by currency, popularity_rank, product_id;

grant select on product_popularity to pulse_reader;
