-- Per product per UTC day per currency: cart activity and orders. One purchase event is
-- one order of one product; its revenue is quantity x unit_price (exact numeric).
with

cart_events as (
    select * from inserted_events
    where product_id is not null
),

per_product_day as (
    select
        product_id,
        (occurred_at at time zone 'UTC')::date as activity_date,
        currency,
        count(*) filter (where event_type = 'add_to_cart') as cart_adds,
        count(*) filter (where event_type = 'remove_from_cart') as cart_removes,
        count(*) filter (where event_type = 'purchase') as orders,
        coalesce(sum(quantity) filter (where event_type = 'purchase'), 0) as units_sold,
        coalesce(sum(quantity * unit_price) filter (where event_type = 'purchase'), 0) as revenue
    from cart_events
    group by 1, 2, 3
)

insert into product_daily_sales as stored (
    product_id,
    activity_date,
    currency,
    cart_adds,
    cart_removes,
    orders,
    units_sold,
    revenue
)
select
    product_id,
    activity_date,
    currency,
    cart_adds,
    cart_removes,
    orders,
    units_sold,
    revenue
from per_product_day
order by product_id, activity_date, currency
on conflict (product_id, activity_date, currency) do update set
    cart_adds = stored.cart_adds + excluded.cart_adds,
    cart_removes = stored.cart_removes + excluded.cart_removes,
    orders = stored.orders + excluded.orders,
    units_sold = stored.units_sold + excluded.units_sold,
    revenue = stored.revenue + excluded.revenue;
