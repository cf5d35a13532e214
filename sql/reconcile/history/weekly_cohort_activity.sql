-- Rows of `weekly_cohort_activity` kept as history: their cohort's week lies before the
-- retained facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile
-- cannot recompute them and does not compare them
-- (sql/reconcile/weekly_cohort_activity.sql).
select count(*) as history_rows
from weekly_cohort_activity
where cohort_week_start_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
