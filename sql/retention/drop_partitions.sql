-- Drop the weekly partitions of `events` that end before the start of the week holding
-- %(cutoff)s, and older stragglers of events_default (migration 120): one row per emptied
-- table with the facts it held. Empty when nothing is that old.
select
    table_name,
    facts
from drop_event_partitions_before(%(cutoff)s);
