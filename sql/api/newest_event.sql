-- The newest event time stored, to the minute, and the database's clock.
select
    now() as database_now,
    (select max(minute_at) from event_counts_per_minute) as newest_event_minute_at;
