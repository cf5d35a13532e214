-- How big the benchmark database is: facts (rows of `events`) and bytes on disk.
select
    (select count(*) from events) as facts,
    pg_database_size(current_database()) as database_bytes;
