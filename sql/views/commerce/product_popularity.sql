-- Products by units sold, all time, per currency; with the cart activity that led there.
-- Read from the all-time totals per product (`product_sales`, migration 133).
create view product_popularity as
with

totals as (
    select * from product_sales
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
