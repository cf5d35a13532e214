-- Per-connection staging table that each batch is COPYed into; `keep_new_facts` then
-- leaves in it only the facts the batch stores, which the aggregates read. Emptied by the
-- batch before it commits (`clear_staging`; why not ON COMMIT DELETE ROWS:
-- consumer/store/staging.py).
create temporary table if not exists inserted_events
    (like events including defaults);

-- The content items the batch's aggregates just updated, as `060_content_items` left them,
-- for the rollups that rank or attribute them later in the batch (197, 199): they read
-- these few rows instead of looking each item up again.
create temporary table if not exists touched_content_items (
    content_id text primary key,
    author_id text not null,
    category text not null,
    published_at timestamptz,
    first_seen_at timestamptz not null,
    views bigint not null,
    likes bigint not null,
    comments bigint not null,
    shares bigint not null,
    engagements bigint not null,
    actions bigint not null
);
