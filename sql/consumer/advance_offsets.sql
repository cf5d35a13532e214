-- Advance each partition's next offset and add the batch's outcome counts. Only rows
-- still holding the offset this consumer expects are moved: a consumer that lost the
-- partition in a rebalance updates fewer rows than it asked for and rolls back.
update partition_offsets as stored
set
    next_offset = batch.next_offset,
    facts_stored = stored.facts_stored + batch.facts_stored,
    duplicates = stored.duplicates + batch.duplicates,
    dead_lettered = stored.dead_lettered + batch.dead_lettered,
    updated_at = now()
from unnest(
    %(partitions)s::integer[],
    %(expected_offsets)s::bigint[],
    %(next_offsets)s::bigint[],
    %(facts_stored)s::bigint[],
    %(duplicates)s::bigint[],
    %(dead_lettered)s::bigint[]
) as batch (
    kafka_partition,
    expected_offset,
    next_offset,
    facts_stored,
    duplicates,
    dead_lettered
)
where
    stored.topic = %(topic)s
    and stored.kafka_partition = batch.kafka_partition
    and stored.next_offset = batch.expected_offset;
