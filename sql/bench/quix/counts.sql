-- Rows the Quix peer's sink has written (one per minute and event type) and the events
-- they count. The table is event_counts, created by the sink (child.py: TABLE).
select
    count(*) as row_count,
    coalesce(sum(events), 0) as event_count
from event_counts;
