-- The server's WAL so far (every database): full-page images and bytes. A benchmarked
-- Pulse run reads it before and after, so that its report shows how many pages were
-- written whole to the WAL (the first change of each page after a checkpoint).
select
    wal_fpi,
    wal_bytes
from pg_stat_wal;
