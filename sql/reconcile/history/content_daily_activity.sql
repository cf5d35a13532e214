-- Rows of `content_daily_activity` kept as history: their day lies before the retained
-- facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/content_daily_activity.sql).
select count(*) as history_rows
from content_daily_activity
where activity_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
