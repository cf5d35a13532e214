-- Rows the Connect peer's sink has written into the facts table.
select count(*) as row_count from events;
