-- All-time totals per product and currency (issue 17), kept by the batch beside the daily
-- rows: "product popularity" then ranks one row per product instead of summing every
-- product-day of the history. Revenue is exact and never adds currencies together.

create table product_sales (
    product_id text not null,
    currency text not null,
    cart_adds bigint not null,
    cart_removes bigint not null,
    orders bigint not null,
    units_sold bigint not null,
    revenue numeric not null,
    primary key (product_id, currency)
) with (fillfactor = 70);

-- The days stored before this migration.
insert into product_sales (
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
    sum(cart_adds) as cart_adds,
    sum(cart_removes) as cart_removes,
    sum(orders) as orders,
    sum(units_sold) as units_sold,
    sum(revenue) as revenue
from product_daily_sales
group by product_id, currency
order by product_id, currency;

-- Additive upserts, like the daily rows; readers read the totals (view product_popularity).
grant select, insert, update on product_sales to pulse_writer;
grant select on product_sales to pulse_reader;
