-- Dead letters mirrored from the dead-letter topic by `python -m consumer dlq mirror`, so
-- rejected records can be queried in SQL next to the facts. The topic stays the source of
-- truth; this table is as fresh as the last mirror run.
--
-- One row per origin record: the topic is at-least-once (a crash between the dead-letter
-- send and the batch commit sends it again), so a repeat of the same origin only adds to
-- `copies`. A replayed record that is rejected again has a new origin and a new row.
create table dead_letters (
    origin_topic text not null,
    origin_partition integer not null,
    origin_offset bigint not null,
    -- the first copy in the dead-letter topic
    dlq_topic text not null,
    dlq_partition integer not null,
    dlq_offset bigint not null,
    copies integer not null default 1,
    reason text not null,
    error text not null,
    field_path text not null,
    -- [{"path": ..., "type": ..., "message": ...}], pydantic's error list
    field_errors jsonb not null,
    -- as claimed by the payload when it is a JSON object; null otherwise
    event_type text,
    event_id text,
    -- the producer's key as UTF-8 text (invalid bytes replaced); Pulse keys by user_id
    record_key text,
    payload bytea,
    payload_bytes integer not null,
    -- [[name, value as UTF-8 text], ...] in record order, pulse.* headers included
    headers jsonb not null,
    replay_count integer not null,
    consumer_group text not null,
    consumer_version text not null,
    schema_version text not null,
    produced_at timestamptz,
    failed_at timestamptz not null,
    mirrored_at timestamptz not null default now(),
    primary key (origin_topic, origin_partition, origin_offset)
);

create index dead_letters_failed_at on dead_letters (failed_at);
create index dead_letters_reason_failed_at on dead_letters (reason, failed_at);

-- How far each dead-letter partition is mirrored, stored in the same transaction as the
-- rows it covers: a mirror run that dies half-way resumes there, losing nothing and
-- counting no copy twice.
create table dead_letter_offsets (
    dlq_topic text not null,
    kafka_partition integer not null,
    next_offset bigint not null,
    updated_at timestamptz not null default now(),
    primary key (dlq_topic, kafka_partition)
);
