-- First batch ever of a partition. If another consumer stored it meanwhile, nothing is
-- inserted and this consumer rolls back and re-seeks.
insert into partition_offsets (
    topic,
    kafka_partition,
    first_offset,
    next_offset,
    facts_stored,
    duplicates,
    dead_lettered,
    skipped_markers,
    skipped_aborted,
    skipped_retention,
    skipped_reset
)
select
    %(topic)s,
    batch.kafka_partition,
    batch.first_offset,
    batch.next_offset,
    batch.facts_stored,
    batch.duplicates,
    batch.dead_lettered,
    batch.skipped_markers,
    batch.skipped_aborted,
    batch.skipped_retention,
    batch.skipped_reset
from unnest(
    %(partitions)s::integer[],
    %(first_offsets)s::bigint[],
    %(next_offsets)s::bigint[],
    %(facts_stored)s::bigint[],
    %(duplicates)s::bigint[],
    %(dead_lettered)s::bigint[],
    %(skipped_markers)s::bigint[],
    %(skipped_aborted)s::bigint[],
    %(skipped_retention)s::bigint[],
    %(skipped_reset)s::bigint[]
) as batch (
    kafka_partition,
    first_offset,
    next_offset,
    facts_stored,
    duplicates,
    dead_lettered,
    skipped_markers,
    skipped_aborted,
    skipped_retention,
    skipped_reset
)
order by batch.kafka_partition
on conflict (topic, kafka_partition) do nothing;
