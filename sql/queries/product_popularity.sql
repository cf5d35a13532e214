-- The most popular products by units sold, per currency. Parameters: limit.
select
    currency,
    popularity_rank,
    product_id,
    cart_adds,
    orders,
    units_sold,
    revenue,
    cart_to_order_pct
from product_popularity
where popularity_rank <= %(limit)s
order by currency, popularity_rank, product_id;
