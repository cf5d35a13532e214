-- The catalog's dimensions, read from the compacted topic `activity.catalog` (contract in
-- pulse/contract/catalog.py) in the same transaction as the next offset of its partitions.
-- Each is SCD type 2: one row per version of an entity, valid from the record's
-- `updated_at` until the next version's; the current version has valid_to null and
-- is_current true. A tombstone (a record with no value) is a version too, valid from the
-- record's Kafka timestamp, with is_deleted true and no attributes.
--
-- Versions are ordered by valid_from, not by arrival: a version that arrives after a newer
-- one is put in its place in the history (sql/catalog/close_versions.sql re-derives
-- valid_to and is_current of every entity a batch touched), and the same (entity,
-- valid_from) twice is stored once, so re-delivered records change nothing.
--
-- All four keep history. Products and posts because the seeds' analyses read them as
-- of their time (a renamed product, a post's tags); agents because a move to another
-- team must not rewrite the team's past metrics (`team_daily_calls` counts each agent's
-- day for the team of that day); authors because a home category changes too, and the
-- seed compares it with each post's category: the history says which one held when. One
-- mechanism for all four is also simpler than two. The `*_current` views
-- (sql/views/catalog/) give the current, undeleted rows.
--
-- source_* is each version's lineage: the record it came from (the offset ledger counts
-- the versions stored per partition as its facts).
create table dim_product (
    product_id text not null,
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null,
    is_deleted boolean not null,
    product_name text,
    category text,
    unit_price numeric(12, 2),
    currency text,
    source_topic text not null,
    source_partition integer not null,
    source_offset bigint not null,
    primary key (product_id, valid_from),
    check (is_current = (valid_to is null)),
    check (valid_to is null or valid_to > valid_from),
    check (
        is_deleted
        or (
            product_name is not null
            and category is not null
            and unit_price is not null
            and currency is not null
        )
    )
);

create table dim_post (
    post_id text not null,
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null,
    is_deleted boolean not null,
    title text,
    tags text [],
    is_promoted boolean,
    author_id text,
    category text,
    published_at timestamptz,
    source_topic text not null,
    source_partition integer not null,
    source_offset bigint not null,
    primary key (post_id, valid_from),
    check (is_current = (valid_to is null)),
    check (valid_to is null or valid_to > valid_from),
    check (
        is_deleted
        or (
            title is not null
            and tags is not null
            and is_promoted is not null
            and author_id is not null
            and category is not null
            and published_at is not null
        )
    )
);

create table dim_author (
    author_id text not null,
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null,
    is_deleted boolean not null,
    author_name text,
    home_category text,
    source_topic text not null,
    source_partition integer not null,
    source_offset bigint not null,
    primary key (author_id, valid_from),
    check (is_current = (valid_to is null)),
    check (valid_to is null or valid_to > valid_from),
    check (is_deleted or (author_name is not null and home_category is not null))
);

create table dim_agent (
    agent_id text not null,
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null,
    is_deleted boolean not null,
    agent_name text,
    team text,
    source_topic text not null,
    source_partition integer not null,
    source_offset bigint not null,
    primary key (agent_id, valid_from),
    check (is_current = (valid_to is null)),
    check (valid_to is null or valid_to > valid_from),
    check (is_deleted or (agent_name is not null and team is not null))
);

-- The views join the current versions to the aggregates by id.
create index dim_product_current_version on dim_product (product_id) where is_current;
create index dim_post_current_version on dim_post (post_id) where is_current;
create index dim_author_current_version on dim_author (author_id) where is_current;
create index dim_agent_current_version on dim_agent (agent_id) where is_current;

-- The batch transaction inserts versions and moves the end of earlier ones (valid_to,
-- is_current); it never deletes one. Readers (Grafana, psql, the API) read them.
grant select, insert, update on dim_product, dim_post, dim_author, dim_agent to pulse_writer;
grant select on dim_product, dim_post, dim_author, dim_agent to pulse_reader;
