-- Rows of `session_funnels` kept as history: their session's start lies before the
-- retained facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile
-- cannot recompute them and does not compare them (sql/reconcile/session_funnels.sql).
select count(*) as history_rows
from session_funnels
where started_at < (select retained_from from facts_retention);
