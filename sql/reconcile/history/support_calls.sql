-- Rows of `support_calls` kept as history: their call lies before the retained facts
-- (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile cannot recompute
-- them and does not compare them (sql/reconcile/support_calls.sql).
select count(*) as history_rows
from support_calls
where occurred_at < (select retained_from from facts_retention);
