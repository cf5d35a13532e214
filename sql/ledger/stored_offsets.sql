-- Every partition the ledger covers, and where it resumes.
select
    topic,
    kafka_partition,
    next_offset
from partition_offsets
order by topic, kafka_partition;
