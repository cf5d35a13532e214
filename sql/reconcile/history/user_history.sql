-- Rows of `user_history` kept as history: the versions of every user whose history starts
-- before the retained facts (FACTS_RETENTION_DAYS dropped the facts that proved its first
-- versions), so reconcile cannot recompute them and does not compare them
-- (sql/reconcile/user_history.sql).
select count(*) as history_rows
from user_history
where user_id in (
    select user_id
    from user_history
    group by user_id
    having min(valid_from) < (select retained_from from facts_retention)
);
