-- Rows of `daily_session_funnels` kept as history: their day lies before the retained
-- facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/daily_session_funnels.sql).
select count(*) as history_rows
from daily_session_funnels
where activity_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
