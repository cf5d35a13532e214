-- Every record read ends as a fact, a duplicate or a dead letter: the three add up.
select
    topic,
    sum(next_offset - first_offset) as records_read,
    sum(facts_stored) as facts_stored,
    sum(duplicates) as duplicates,
    sum(dead_lettered) as dead_lettered,
    sum(next_offset - first_offset)
    = sum(facts_stored + duplicates + dead_lettered) as adds_up
from partition_offsets
group by topic;
