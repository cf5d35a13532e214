-- Store one run's results (parallel arrays, one element per check or table), and drop the
-- results older than 90 days: the table holds about 35 rows per run.
with

pruned as (
    delete from quality_results
    where checked_at < %(checked_at)s - interval '90 days'
)

insert into quality_results (checked_at, check_name, table_name, checked_rows, failing_rows)
select
    %(checked_at)s,
    check_name,
    table_name,
    checked_rows,
    failing_rows
from unnest(
    %(check_names)s::text[], %(table_names)s::text[], %(checked_rows)s::bigint[], %(failing_rows)s::bigint[]
) as results (check_name, table_name, checked_rows, failing_rows);
