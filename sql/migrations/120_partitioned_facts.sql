-- Facts partitioned by event time, one partition per ISO week (Monday 00:00 UTC to the
-- next Monday), so that FACTS_RETENTION_DAYS can drop whole weeks of old facts without a
-- DELETE, while every aggregate (a table of its own) keeps its history.
--
-- Why weeks: LATE_HORIZON_DAYS (400) lets a batch hold events of about 58 weeks; with days
-- that would be 400 partitions, and an insert that routes rows to many partitions, or a
-- read that cannot prune them (the SCD2 rebuild joins `events` on user_id), pays per
-- partition it opens (bench/results/2026-12-06-partitioning.md: a 20,000-row batch spread
-- over 400 days cost about twice the CPU with daily partitions as with weekly ones).
-- Weeks also align with the ISO-week and daily aggregates, so a dropped range never cuts
-- one of their rows in two.
--
-- Deduplication: a partitioned table's unique key must include the partition column, so
-- `events` can no longer be unique on event_id alone. `event_ids` is the idempotency key
-- instead: one row per stored fact, keyed on event_id, holding the original's event time.
-- The batch inserts the key first (on conflict do nothing) and stores only the facts whose
-- key it inserted, so a re-sent event is a duplicate whatever partition its own event time
-- (even a re-stamped one) falls in, for as long as its original is retained.
--
-- Partitions are created by the function `create_event_partitions`, and dropped by
-- `drop_event_partitions_before` (sql/views/facts/): the consumer calls the first just
-- before a batch holding weeks it has not seen (consumer/store/partitions.py), its
-- periodic job both (consumer/retention/). `events_default` catches what has no
-- partition: events outside the span partitions are created for, events older than the
-- retained facts, and, should a creation not get its lock in time, a batch's rows for
-- that week (the next creation of the week moves them out).
--
-- This migration copies the existing facts into the new table: rows keep every value
-- (ingested_at included); the indexes and the key are built after the copy. Measured on
-- the 2-core development machine: about 40 s per million facts (README, "Partitions and
-- retention"), with the facts table locked for the whole migration.

set local maintenance_work_mem = '256MB';

alter table events rename to events_unpartitioned;

create table events (like events_unpartitioned including defaults)
partition by range (occurred_at);

create table events_default partition of events default;

-- The oldest event time whose facts are still kept: the lower bound of the oldest retained
-- week once retention has dropped a partition, -infinity before. One row.
create table facts_retention (
    is_singleton boolean primary key default true check (is_singleton),
    retained_from timestamptz not null default '-infinity',
    dropped_at timestamptz
);
insert into facts_retention default values;

-- The facts retention dropped, per Kafka partition and event type: the offset ledger
-- counts every fact ever stored, so reconcile checks
-- facts_stored = facts retained + facts dropped.
create table dropped_facts (
    source_topic text not null,
    source_partition integer not null,
    event_type text not null,
    facts bigint not null check (facts >= 0),
    primary key (source_topic, source_partition, event_type)
);

-- A weekly partition for every week that holds facts, then the facts themselves. Named
-- and bounded as the function views/facts/create_event_partitions.sql does it later (the
-- view files are created after the migrations, so this one cannot call it).
do $$
declare
    week_start timestamptz;
begin
    for week_start in
        select distinct date_trunc('week', occurred_at, 'UTC')
        from events_unpartitioned
        order by 1
    loop
        execute format(
            'create table %I partition of events for values from (%L) to (%L)',
            'events_p' || to_char(week_start at time zone 'UTC', 'YYYYMMDD'),
            week_start,
            -- In UTC wall time: a session time zone with summer time would move the bound.
            (week_start at time zone 'UTC' + interval '7 days') at time zone 'UTC'
        );
    end loop;
end
$$;

insert into events
select * from events_unpartitioned;

create table event_ids (
    event_id uuid not null,
    occurred_at timestamptz not null
);

insert into event_ids (event_id, occurred_at)
select
    event_id,
    occurred_at
from events_unpartitioned;

drop table events_unpartitioned;

alter table event_ids add constraint event_ids_pkey primary key (event_id);
-- Retention prunes keys by event time; live keys arrive in about time order, so a BRIN
-- index finds them for almost nothing on insert.
create index event_ids_occurred_at_brin on event_ids using brin (occurred_at);

-- The indexes of migrations 001 and 012, on every partition.
create index events_occurred_at_brin on events using brin (occurred_at);
create index events_user_id_occurred_at on events (user_id, occurred_at);

-- Statistics now, not when autovacuum gets round to the new tables: until then the batch
-- statements that read them are planned blind (a table never analyzed is assumed to hold
-- pages of rows; measured on a freshly migrated million facts, the SCD2 rebuild then
-- took five times its CPU).
analyze events;
analyze event_ids;
analyze facts_retention;
analyze dropped_facts;

-- Facts: inserted once and read back (migration 071), now through the partitioned table;
-- partitions carry no privileges of their own (they are reached through `events` only).
grant select, insert on events to pulse_writer;
grant select on events to pulse_reader;
-- The key is inserted (on conflict do nothing, returning event_id) with each fact.
grant select, insert on event_ids to pulse_writer;
-- Reconcile reads both; readers see how far back the facts go and what was dropped.
grant select on facts_retention, dropped_facts to pulse_writer, pulse_reader;

-- The functions that create and drop partitions (sql/views/facts/) grant themselves to
-- pulse_writer.
