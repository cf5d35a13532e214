-- Rows of `user_signup_cohorts` kept as history: their cohort's week lies before the
-- retained facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile
-- cannot recompute them and does not compare them (sql/reconcile/user_signup_cohorts.sql).
select count(*) as history_rows
from user_signup_cohorts
where cohort_week_start_date < (select (retained_from at time zone 'UTC')::date from facts_retention);
