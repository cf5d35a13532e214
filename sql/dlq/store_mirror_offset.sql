-- Runs in the transaction that inserted the rows up to `next_offset`.
insert into dead_letter_offsets (
    dlq_topic,
    kafka_partition,
    next_offset
)
values (
    %(dlq_topic)s,
    %(kafka_partition)s,
    %(next_offset)s
)
on conflict (dlq_topic, kafka_partition) do update
set
    next_offset = excluded.next_offset,
    updated_at = now();
