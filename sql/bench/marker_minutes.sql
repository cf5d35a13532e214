-- The freshness probe's marker minutes already visible in the per-minute aggregate
-- (only markers land that far in the past). Parameters: since (the oldest unseen
-- marker's minute), until (the end of the markers' minutes).
select minute_at
from event_counts_per_minute
where
    minute_at >= %(since)s
    and minute_at < %(until)s
    and event_type = 'page_view';
