-- Per-connection staging table for the enriched support calls of a batch
-- (`consumer/calls/rows.py`); emptied before commit like `inserted_events`.
create temporary table if not exists incoming_calls (
    event_id uuid not null,
    source_partition integer not null,
    source_offset bigint not null,
    agent_name text not null,
    transcript_clean text not null,
    conversion_kind text,
    upsell_amount numeric(12, 2),
    upsell_product text,
    sentiment text not null,
    sentiment_score integer not null,
    rules_version integer not null
);
