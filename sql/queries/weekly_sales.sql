-- Sales per ISO week and currency over the last `weeks` weeks. Parameters: weeks.
select
    week_start_date,
    currency,
    orders,
    units_sold,
    revenue,
    average_order_value
from sales_weekly
where
    week_start_date
    > date_trunc('week', now() at time zone 'UTC')::date - 7 * %(weeks)s
order by week_start_date, currency;
