-- The most popular products by units sold, per currency, with their name and category
-- (the catalog's; null until it delivered them). Parameters: limit.
select
    currency,
    popularity_rank,
    product_id,
    cart_adds,
    orders,
    units_sold,
    revenue,
    cart_to_order_pct,
    product_name,
    product_category
from product_popularity
where popularity_rank <= %(limit)s
order by currency, popularity_rank, product_id;
