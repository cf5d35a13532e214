-- Rows of `content_items` kept as history: their item's first event lies before the
-- retained facts (FACTS_RETENTION_DAYS dropped the facts they came from), so reconcile
-- cannot recompute them and does not compare them (sql/reconcile/content_items.sql).
select count(*) as history_rows
from content_items
where first_seen_at < (select retained_from from facts_retention);
