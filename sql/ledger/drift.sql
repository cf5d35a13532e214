-- Drift of the offset ledger `partition_offsets`: a partition whose facts_stored differs
-- from the facts that came from it (those still in `events` plus those retention dropped,
-- counted in `dropped_facts` by the same transaction that dropped them), or whose counts
-- do not add up to the offsets it covers (the table's check constraint refuses such a
-- commit; a hand edit could not). The facts of a catalog partition are the dimension
-- versions it stored.
with

stored as (
    select
        topic,
        kafka_partition,
        facts_stored,
        next_offset - first_offset as offsets_covered,
        facts_stored + duplicates + dead_lettered
        + skipped_markers + skipped_aborted + skipped_retention + skipped_reset
        as offsets_explained
    from partition_offsets
),

facts_by_origin as (
    select
        source_topic,
        source_partition,
        count(*) as facts
    from events
    group by source_topic, source_partition
    union all
    select
        source_topic,
        source_partition,
        facts
    from dropped_facts
    union all
    select
        source_topic,
        source_partition,
        count(*) as facts
    from (
        select source_topic, source_partition from dim_product
        union all
        select source_topic, source_partition from dim_post
        union all
        select source_topic, source_partition from dim_author
        union all
        select source_topic, source_partition from dim_agent
    ) as dimension_versions
    group by source_topic, source_partition
),

recomputed as (
    select
        source_topic as topic,
        source_partition as kafka_partition,
        sum(facts)::bigint as facts_stored
    from facts_by_origin
    group by source_topic, source_partition
),

compared as (
    select
        coalesce(stored.topic, recomputed.topic) as topic,
        coalesce(stored.kafka_partition, recomputed.kafka_partition) as kafka_partition,
        stored.facts_stored as facts_in_ledger,
        coalesce(recomputed.facts_stored, 0) as facts_in_events,
        stored.offsets_covered,
        stored.offsets_explained
    from stored
    full outer join recomputed
        on
            stored.topic = recomputed.topic
            and stored.kafka_partition = recomputed.kafka_partition
),

final as (
    select
        case
            when facts_in_ledger is null then 'facts without a ledger row'
            when facts_in_ledger <> facts_in_events then 'facts differ'
            else 'ledger does not add up'
        end as side,
        topic,
        kafka_partition,
        facts_in_ledger,
        facts_in_events,
        offsets_covered,
        offsets_explained
    from compared
    where
        facts_in_ledger is distinct from facts_in_events
        or offsets_covered <> offsets_explained
)

select * from final
order by topic, kafka_partition;
