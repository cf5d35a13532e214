-- One dead-letter record; a repeat of an origin already mirrored only counts as a copy.
-- `xmax = 0` is true for a freshly inserted row and false for one updated on conflict.
insert into dead_letters (
    origin_topic,
    origin_partition,
    origin_offset,
    dlq_topic,
    dlq_partition,
    dlq_offset,
    reason,
    error,
    field_path,
    field_errors,
    event_type,
    event_id,
    record_key,
    payload,
    payload_bytes,
    headers,
    replay_count,
    consumer_group,
    consumer_version,
    schema_version,
    produced_at,
    failed_at
)
values (
    %(origin_topic)s,
    %(origin_partition)s,
    %(origin_offset)s,
    %(dlq_topic)s,
    %(dlq_partition)s,
    %(dlq_offset)s,
    %(reason)s,
    %(error)s,
    %(field_path)s,
    %(field_errors)s,
    %(event_type)s,
    %(event_id)s,
    %(record_key)s,
    %(payload)s,
    %(payload_bytes)s,
    %(headers)s,
    %(replay_count)s,
    %(consumer_group)s,
    %(consumer_version)s,
    %(schema_version)s,
    %(produced_at)s,
    %(failed_at)s
)
on conflict (origin_topic, origin_partition, origin_offset) do update
set copies = dead_letters.copies + 1
returning (xmax = 0) as is_new;
