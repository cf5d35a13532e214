-- Rows of `post_publications` kept as history: the posts of items first seen before the
-- retained facts (FACTS_RETENTION_DAYS dropped some of their events), so reconcile cannot
-- recompute them and does not compare them (sql/reconcile/post_publications.sql).
select count(*) as history_rows
from post_publications
inner join content_items on post_publications.content_id = content_items.content_id
where content_items.first_seen_at < (select retained_from from facts_retention);
