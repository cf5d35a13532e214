-- Lock the offset rows of the batch's partitions first, in partition order, so that two
-- consumers that both believe they own a partition serialize here, not on the facts.
select
    kafka_partition,
    next_offset
from partition_offsets
where
    topic = %(topic)s
    and kafka_partition = any(%(partitions)s)
order by kafka_partition
for update;
