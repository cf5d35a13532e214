-- Facts: one row per unique event, keyed by its idempotency key. Columns that only some
-- event types carry are null for the others; unknown payload fields never land here.
create table events (
    event_id uuid primary key,
    event_type text not null,
    occurred_at timestamptz not null,
    user_id text not null,
    session_id text not null,
    device text not null,
    country text not null,
    city text not null,
    -- content actions
    content_id text,
    author_id text,
    category text,
    click_element text,
    comment_text text,
    share_channel text,
    -- search
    search_query text,
    results_count integer,
    -- cart and purchase
    product_id text,
    order_id text,
    quantity integer,
    unit_price numeric(12, 2),
    currency text,
    -- signup
    referral_source text,
    -- support calls
    call_id text,
    agent_id text,
    agent_name text,
    duration_seconds integer,
    transcript text,
    -- provenance
    source_topic text not null,
    source_partition integer not null,
    source_offset bigint not null,
    ingested_at timestamptz not null default now()
);

-- Event-time range scans (recent windows, recomputation) on an append-mostly table:
-- a BRIN index costs almost nothing on ingest.
create index events_occurred_at_brin on events using brin (occurred_at);
