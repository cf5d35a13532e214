-- How many of the sentinel events (one ends each partition of the copy) are in the table:
-- an index lookup, cheap enough to poll often without charging PostgreSQL CPU to the peer.
select count(*) as sentinels
from events
where event_id = any(%s::uuid[]);
