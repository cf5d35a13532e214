-- The ledger explains every offset of a partition: besides facts, duplicates and dead
-- letters, the offsets that hold nothing to store, by cause. Transaction markers and
-- records of aborted transactions occupy offsets; retention can delete records before
-- they are read; an offset reset can jump over them.
alter table partition_offsets
add column skipped_markers bigint not null default 0,
add column skipped_aborted bigint not null default 0,
add column skipped_retention bigint not null default 0,
add column skipped_reset bigint not null default 0;

-- Consumers before this migration moved past such offsets without counting them. What
-- they left unexplained cannot be told apart now; it is booked as reset.
update partition_offsets
set skipped_reset = (next_offset - first_offset) - (facts_stored + duplicates + dead_lettered)
where (next_offset - first_offset) > (facts_stored + duplicates + dead_lettered);

-- From now on every commit must add up, or it is refused.
alter table partition_offsets
add constraint partition_offsets_ledger_adds_up check (
    next_offset - first_offset
    = facts_stored + duplicates + dead_lettered
    + skipped_markers + skipped_aborted + skipped_retention + skipped_reset
);
