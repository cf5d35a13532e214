-- The newest stored run of the checks, each row count with the count of the run before
-- it: what a consumer exports when another process ran the checks recently enough.
with

latest as (
    select *
    from quality_results
    where checked_at = (select max(checked_at) from quality_results)
),

final as (
    select
        latest.check_name,
        latest.table_name,
        latest.checked_rows,
        latest.failing_rows,
        latest.checked_at,
        previous.checked_rows as previous_rows,
        previous.checked_at as previous_checked_at
    from latest
    left join lateral (
        select
            earlier.checked_rows,
            earlier.checked_at
        from quality_results as earlier
        where
            latest.check_name = 'row_count'
            and earlier.check_name = latest.check_name
            and earlier.table_name = latest.table_name
            and earlier.checked_at < latest.checked_at
        order by earlier.checked_at desc
        limit 1
    ) as previous on true
)

select * from final
order by check_name, table_name;
