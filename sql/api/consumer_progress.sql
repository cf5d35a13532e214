-- Where the consumer group stands on a topic: each partition's next offset to read and
-- when a batch last moved it (the offset ledger, written in every batch transaction).
-- Parameters: topic.
select
    kafka_partition,
    next_offset,
    updated_at
from partition_offsets
where topic = %(topic)s
order by kafka_partition;
