-- Whether the Connect peer's sink has written its first row.
select exists (select from events) as has_rows;
