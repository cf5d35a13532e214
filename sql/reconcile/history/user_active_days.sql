-- Rows of `user_active_days` kept as history: their day lies before the retained facts
-- (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot recompute
-- them and does not compare them (sql/reconcile/user_active_days.sql).
select count(*) as history_rows
from user_active_days
where activity_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
