-- What this transaction actually inserted, by partition and event type: the source of
-- the stored / duplicate counts and of the per-type metrics.
select
    source_partition,
    event_type,
    count(*) as facts_stored
from inserted_events
group by source_partition, event_type;
