-- The batch's new versions of authors (a tombstone is a version too, without
-- attributes), each first inserted as current: sql/catalog/close_versions.sql then ends
-- the versions that a later one follows. A version already stored (the same author and
-- valid_from: a re-delivered record) is skipped, and of two in the batch the one read
-- first is kept. Returns the versions inserted per partition, for the offset ledger.
with

inserted as (
    insert into dim_author (
        author_id,
        valid_from,
        valid_to,
        is_current,
        is_deleted,
        author_name,
        home_category,
        source_topic,
        source_partition,
        source_offset
    )
    select
        entity_id,
        valid_from,
        null,
        true,
        is_deleted,
        entity_name,
        home_category,
        source_topic,
        source_partition,
        source_offset
    from incoming_catalog
    where entity_type = 'author'
    order by entity_id, valid_from, source_partition, source_offset
    on conflict (author_id, valid_from) do nothing
    returning source_partition
)

select
    source_partition,
    count(*) as versions_stored
from inserted
group by source_partition;
