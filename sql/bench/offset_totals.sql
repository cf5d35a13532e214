-- What a benchmarked Pulse run has accounted for on its topic, from the offset ledger:
-- offsets read, and of those facts stored, duplicates and dead letters.
select
    coalesce(sum(next_offset - first_offset), 0) as accounted,
    coalesce(sum(facts_stored), 0) as facts,
    coalesce(sum(duplicates), 0) as duplicates,
    coalesce(sum(dead_lettered), 0) as dead_lettered
from partition_offsets
where topic = %(topic)s;
