-- Rows of `user_weekly_activity` kept as history: their week lies before the retained
-- facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/user_weekly_activity.sql).
select count(*) as history_rows
from user_weekly_activity
where week_start_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
