-- Least privilege for the consumer, table by table. Migration 050 let pulse_writer select,
-- insert, update and delete every table, so a consumer could delete facts or rewrite
-- event_types. It now gets exactly what its statements use (sql/consumer, sql/aggregates,
-- sql/dlq, sql/reconcile); tests/integration/test_database_roles.py holds the same list and
-- shows that everything else is refused.
revoke all on all tables in schema public from pulse_writer;
-- No automatic grants for tables of later migrations: each decides what the consumer may
-- do with its table (a forgotten grant fails the consumer's end-to-end test, where a grant
-- too many would go unnoticed).
alter default privileges in schema public
revoke all on tables from pulse_writer;
alter default privileges in schema public
revoke all on sequences from pulse_writer;

-- The schema version check reads the ledger; only the owner writes it.
grant select on schema_migrations to pulse_writer;

-- Facts are inserted once (on conflict do nothing) and read back: `returning *`,
-- the SCD2 rebuild of user_history and `consumer reconcile`. Never updated or deleted.
grant select, insert on events to pulse_writer;

-- The event-type dimension is the owner's (migration 010): the aggregates only read it.
grant select on event_types to pulse_writer;

-- The offset ledger: a partition's first batch inserts its row, later ones lock
-- (`for update`, which needs update) and advance it. A row is never deleted.
grant select, insert, update on partition_offsets to pulse_writer;

-- Additive upserts (insert ... on conflict do update, reading the stored row).
grant select, insert, update on
    event_counts_per_minute,
    event_counts_per_hour,
    weekday_hour_activity,
    user_daily_activity,
    user_activity,
    user_weekly_activity,
    session_funnels,
    content_items,
    content_daily_activity,
    author_category_daily_activity,
    product_daily_sales,
    daily_sales,
    agent_daily_calls,
    daily_call_metrics
to pulse_writer;

-- SCD type 2: a late event rebuilds a user's later versions, deleting superseded ones
-- (sql/aggregates/020_user_history.sql).
grant select, insert, update, delete on user_history to pulse_writer;

-- Enriched calls are inserted once (on conflict do nothing) and read by the call
-- aggregates of the same transaction.
grant select, insert on support_calls to pulse_writer;

-- `consumer dlq mirror`: a repeat of a mirrored dead letter adds to `copies`, and the
-- resume position per dead-letter partition is upserted.
grant select, insert, update on dead_letters, dead_letter_offsets to pulse_writer;
