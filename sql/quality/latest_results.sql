-- The newest stored run of the checks: what a consumer exports when another process ran
-- them recently enough.
select
    check_name,
    table_name,
    checked_rows,
    failing_rows,
    checked_at
from quality_results
where checked_at = (select max(checked_at) from quality_results)
order by check_name, table_name;
