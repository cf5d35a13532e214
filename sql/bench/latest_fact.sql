-- The event time of the newest fact: a topic simulated from there on holds no late data
-- for the database (`bench.consumer --after-filled`).
select max(occurred_at) as latest
from events;
