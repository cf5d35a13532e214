-- The naive peer's one table: an event per row, its payload as it came.
create table if not exists naive_events (
    event_id uuid primary key,
    event_type text not null,
    occurred_at timestamptz not null,
    user_id text not null,
    payload jsonb not null
);
