-- What the consumer benchmark needs of a filled database, in one scan of the facts: how
-- many, the event time of the newest (a topic simulated from there on holds no late data
-- for it, `--after-filled`) and its bytes on disk.
select
    count(*) as facts,
    max(occurred_at) as latest,
    pg_database_size(current_database()) as database_bytes
from events;
