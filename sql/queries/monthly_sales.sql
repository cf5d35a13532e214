-- Sales per calendar month and currency: orders, units, revenue, average order value.
select
    month_start_date,
    currency,
    orders,
    units_sold,
    revenue,
    average_order_value
from sales_monthly
order by month_start_date, currency;
