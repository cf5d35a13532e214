-- Rows of `event_counts_per_minute` kept as history: their minute lies before the retained
-- facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/event_counts_per_minute.sql).
select count(*) as history_rows
from event_counts_per_minute
where minute_at < (select retained_from from facts_retention);
