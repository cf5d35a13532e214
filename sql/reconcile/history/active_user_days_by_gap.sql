-- Rows of `active_user_days_by_gap` kept as history: their day lies before the retained
-- facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/active_user_days_by_gap.sql).
select count(*) as history_rows
from active_user_days_by_gap
where activity_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
