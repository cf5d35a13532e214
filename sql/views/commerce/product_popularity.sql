-- Products by units sold, all time, per currency; with the cart activity that led there.
-- Read from the all-time totals per product (`product_sales`, migration 133). Each
-- product's name and category come from the catalog's current rows (null until it
-- delivered them; the product is ranked all the same).
create view product_popularity as
with

totals as (
    select * from product_sales
),

products as (
    select * from dim_product_current
),

final as (
    select
        totals.currency,
        rank() over (
            partition by totals.currency order by totals.units_sold desc
        ) as popularity_rank,
        totals.product_id,
        totals.cart_adds,
        totals.cart_removes,
        totals.orders,
        totals.units_sold,
        totals.revenue,
        round(100.0 * totals.orders / nullif(totals.cart_adds, 0), 2) as cart_to_order_pct,
        products.product_name,
        products.category as product_category
    from totals
    left join products on totals.product_id = products.product_id
)

select * from final
order by currency, popularity_rank, product_id;

grant select on product_popularity to pulse_reader;
