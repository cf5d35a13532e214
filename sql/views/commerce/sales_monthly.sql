-- Orders, units and revenue per calendar month (UTC) and currency.
create view sales_monthly as
with

days as (
    select * from daily_sales
),

final as (
    select
        date_trunc('month', activity_date::timestamp)::date as month_start_date,
        currency,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue,
        round(sum(revenue) / nullif(sum(orders), 0), 2) as average_order_value
    from days
    group by 1, 2
)

select * from final;

grant select on sales_monthly to pulse_reader;
