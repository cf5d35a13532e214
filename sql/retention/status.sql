-- How far back the facts go: the retention bound (null until a drop), when the last drop
-- happened, and the weekly partitions of `events` (events_default not counted).
select
    nullif(retention.retained_from, '-infinity') as retained_from,
    retention.dropped_at,
    count(partition_table.relname) as weekly_partitions,
    min(partition_table.relname) as oldest_partition,
    max(partition_table.relname) as newest_partition
from facts_retention as retention
left join pg_inherits as inheritance
    on inheritance.inhparent = 'events'::regclass
left join pg_class as partition_table
    on
        inheritance.inhrelid = partition_table.oid
        and partition_table.relname <> 'events_default'
group by retention.retained_from, retention.dropped_at;
