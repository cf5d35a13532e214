-- Delete the idempotency keys that can no longer stop a duplicate (prune_event_ids,
-- sql/views/facts/): older than the retained facts and than %(keep_from)s.
select prune_event_ids(%(keep_from)s) as pruned;
