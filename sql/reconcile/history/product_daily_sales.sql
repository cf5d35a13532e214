-- Rows of `product_daily_sales` kept as history: their day lies before the retained facts
-- (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot recompute
-- them and does not compare them (sql/reconcile/product_daily_sales.sql).
select count(*) as history_rows
from product_daily_sales
where activity_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
