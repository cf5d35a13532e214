-- First batch ever of a partition. If another consumer stored it meanwhile, nothing is
-- inserted and this consumer rolls back and re-seeks.
insert into partition_offsets (
    topic,
    kafka_partition,
    first_offset,
    next_offset,
    facts_stored,
    duplicates,
    dead_lettered
)
select
    %(topic)s,
    batch.kafka_partition,
    batch.first_offset,
    batch.next_offset,
    batch.facts_stored,
    batch.duplicates,
    batch.dead_lettered
from unnest(
    %(partitions)s::integer[],
    %(first_offsets)s::bigint[],
    %(next_offsets)s::bigint[],
    %(facts_stored)s::bigint[],
    %(duplicates)s::bigint[],
    %(dead_lettered)s::bigint[]
) as batch (
    kafka_partition,
    first_offset,
    next_offset,
    facts_stored,
    duplicates,
    dead_lettered
)
order by batch.kafka_partition
on conflict (topic, kafka_partition) do nothing;
