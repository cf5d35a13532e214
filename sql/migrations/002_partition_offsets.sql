-- The next offset of every partition, stored in the same transaction as the facts it
-- covers: this, not Kafka's committed offsets, is where a consumer resumes. The counters
-- make "records read = facts stored + duplicates + dead letters" checkable at any time.
create table partition_offsets (
    topic text not null,
    kafka_partition integer not null,
    next_offset bigint not null,
    first_offset bigint not null,
    facts_stored bigint not null default 0,
    duplicates bigint not null default 0,
    dead_lettered bigint not null default 0,
    updated_at timestamptz not null default now(),
    primary key (topic, kafka_partition)
);
