-- Rows of `event_counts_per_hour` kept as history: their hour lies before the retained
-- facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/event_counts_per_hour.sql).
select count(*) as history_rows
from event_counts_per_hour
where hour_at < (select retained_from from facts_retention);
