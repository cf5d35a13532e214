-- Rows of `user_activity` kept as history: their user's first event lies before the
-- retained facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile
-- cannot recompute them and does not compare them (sql/reconcile/user_activity.sql).
select count(*) as history_rows
from user_activity
where first_seen_at < (select retained_from from facts_retention);
