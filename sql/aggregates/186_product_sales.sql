-- Per product per currency, all time: cart activity and orders, as in
-- `090_product_daily_sales` without the day. Popular products' rows are updated by most
-- batches, so this runs late in the batch: their locks are held briefly.
with

cart_events as (
    select * from inserted_events
    where product_id is not null
),

per_product as (
    select
        product_id,
        currency,
        count(*) filter (where event_type = 'add_to_cart') as cart_adds,
        count(*) filter (where event_type = 'remove_from_cart') as cart_removes,
        count(*) filter (where event_type = 'purchase') as orders,
        coalesce(sum(quantity) filter (where event_type = 'purchase'), 0) as units_sold,
        coalesce(sum(quantity * unit_price) filter (where event_type = 'purchase'), 0) as revenue
    from cart_events
    group by product_id, currency
)

insert into product_sales as stored (
    product_id,
    currency,
    cart_adds,
    cart_removes,
    orders,
    units_sold,
    revenue
)
select
    product_id,
    currency,
    cart_adds,
    cart_removes,
    orders,
    units_sold,
    revenue
from per_product
order by product_id, currency
on conflict (product_id, currency) do update set
    cart_adds = stored.cart_adds + excluded.cart_adds,
    cart_removes = stored.cart_removes + excluded.cart_removes,
    orders = stored.orders + excluded.orders,
    units_sold = stored.units_sold + excluded.units_sold,
    revenue = stored.revenue + excluded.revenue;
