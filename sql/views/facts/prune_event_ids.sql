-- Deletes the idempotency keys (`event_ids`, migration 120) that can no longer stop a
-- duplicate: keys older than both the retained facts (a key of a retained fact is kept, so
-- every copy of it, whatever its own event time, stays a duplicate) and `keep_from` (the
-- caller passes LATE_HORIZON_DAYS, and a week, before now: until then an exact re-send of a
-- dropped fact could still pass validation, and must stay a duplicate). Keys of support
-- calls are kept for good, like their rows in `support_calls`; so is the key of a fact still
-- in events_default (an event older than the retained facts, stored after the last drop).
-- Run after drop_event_partitions_before, in a transaction of its own and without its
-- lock. Returns how many keys it deleted.
create function prune_event_ids(keep_from timestamptz)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, public
as $$
declare
    pruned bigint;
begin
    delete from public.event_ids as stored_key
    where
        stored_key.occurred_at
        < least((select retained_from from public.facts_retention), keep_from)
        and not exists (
            select from public.events_default as straggler
            where straggler.event_id = stored_key.event_id
        )
        and not exists (
            select from public.support_calls as call
            where call.event_id = stored_key.event_id
        );
    get diagnostics pruned = row_count;
    return pruned;
end
$$;

revoke all on function prune_event_ids(timestamptz) from public;
grant execute on function prune_event_ids(timestamptz) to pulse_writer;
