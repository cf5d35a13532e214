-- Whether the Quix peer's sink has written its first row (it creates event_counts then).
select exists (select from event_counts) as has_rows;
