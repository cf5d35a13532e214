-- Per UTC day per currency: orders, units and revenue of all products. Few, hot rows:
-- this runs late in the batch so that their locks are held briefly.
with

purchases as (
    select * from inserted_events
    where event_type = 'purchase'
),

per_day as (
    select
        (occurred_at at time zone 'UTC')::date as activity_date,
        currency,
        count(*) as orders,
        sum(quantity) as units_sold,
        sum(quantity * unit_price) as revenue
    from purchases
    group by 1, 2
)

insert into daily_sales as stored (activity_date, currency, orders, units_sold, revenue)
select
    activity_date,
    currency,
    orders,
    units_sold,
    revenue
from per_day
order by activity_date, currency
on conflict (activity_date, currency) do update set
    orders = stored.orders + excluded.orders,
    units_sold = stored.units_sold + excluded.units_sold,
    revenue = stored.revenue + excluded.revenue;
