-- Every partition whose offset the database holds, when it holds any: the pairing check
-- compares them with the partitions' ends in the stack's broker.
select
    topic,
    kafka_partition,
    next_offset
from partition_offsets
where next_offset > 0
order by topic, kafka_partition;
