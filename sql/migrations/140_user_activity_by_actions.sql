-- Users by action count, for `top_users.sql` (and the view `top_users`): the first N by
-- `action_count desc, user_id` become an index probe instead of a top-N sort of every
-- user (54 ms p95 at 100,000 users and 10M facts, `bench/results/2026-12-06T201918Z-queries.md`).
-- The price: an update of `action_count` can no longer be a HOT update, so the batch's
-- upsert of each user it touches also writes this index and the primary key.

create index user_activity_action_count_user_id on user_activity (action_count desc, user_id);
