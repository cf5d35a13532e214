-- Advance each partition's next offset and add the batch's ledger: outcome counts and
-- skipped offsets by cause. Only rows still holding the offset this consumer expects are
-- moved: a consumer that lost the partition in a rebalance updates fewer rows than it
-- asked for and rolls back. The table's check constraint keeps the ledger adding up.
update partition_offsets as stored
set
    next_offset = batch.next_offset,
    facts_stored = stored.facts_stored + batch.facts_stored,
    duplicates = stored.duplicates + batch.duplicates,
    dead_lettered = stored.dead_lettered + batch.dead_lettered,
    skipped_markers = stored.skipped_markers + batch.skipped_markers,
    skipped_aborted = stored.skipped_aborted + batch.skipped_aborted,
    skipped_retention = stored.skipped_retention + batch.skipped_retention,
    skipped_reset = stored.skipped_reset + batch.skipped_reset,
    updated_at = now()
from unnest(
    %(partitions)s::integer[],
    %(expected_offsets)s::bigint[],
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
    expected_offset,
    next_offset,
    facts_stored,
    duplicates,
    dead_lettered,
    skipped_markers,
    skipped_aborted,
    skipped_retention,
    skipped_reset
)
where
    stored.topic = %(topic)s
    and stored.kafka_partition = batch.kafka_partition
    and stored.next_offset = batch.expected_offset;
