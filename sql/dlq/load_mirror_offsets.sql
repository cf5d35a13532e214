-- Where mirroring resumes, per dead-letter partition.
select
    kafka_partition,
    next_offset
from dead_letter_offsets
where dlq_topic = %(dlq_topic)s;
