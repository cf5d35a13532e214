-- Per-connection staging table that each catalog batch is COPYed into, one row per valid
-- record: the entity, the version's start, and the attributes of every entity type (each
-- type fills its own); emptied before commit like `inserted_events`.
create temporary table if not exists incoming_catalog (
    entity_type text not null,
    entity_id text not null,
    valid_from timestamptz not null,
    is_deleted boolean not null,
    -- a product's, author's or agent's name
    entity_name text,
    -- a product's or post's category
    category text,
    unit_price numeric(12, 2),
    currency text,
    title text,
    tags text [],
    is_promoted boolean,
    author_id text,
    published_at timestamptz,
    home_category text,
    team text,
    source_topic text not null,
    source_partition integer not null,
    source_offset bigint not null
);
