-- The weekly partitions of `events` for these week starts (migration 120): how many were
-- created (existing ones, and weeks older than the retained facts, are skipped).
select create_event_partitions(%(weeks)s::timestamptz []) as created;
