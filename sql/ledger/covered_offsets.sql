-- The offsets of one topic the ledger covers, per partition: records from first_offset up
-- to next_offset have been read. Parameters: topic.
select
    kafka_partition,
    first_offset,
    next_offset
from partition_offsets
where topic = %(topic)s
order by kafka_partition;
