-- Where each assigned partition resumes.
select
    kafka_partition,
    next_offset
from partition_offsets
where
    topic = %(topic)s
    and kafka_partition = any(%(partitions)s);
