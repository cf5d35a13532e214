-- Data-quality results as data: every run of the checks (`python -m consumer check`, and
-- the consumer's periodic job, QUALITY_CHECK_INTERVAL_S) stores one row per check, and one
-- row per table with its exact row count (check_name 'row_count', the count in
-- checked_rows; failing_rows is how far it shrank since the previous run, for a table
-- that only grows). A check passes when no row fails it. Results older than 90 days are
-- deleted by the run that stores new ones (sql/quality/store_results.sql).
create table quality_results (
    checked_at timestamptz not null,
    check_name text not null,
    table_name text not null,
    checked_rows bigint not null check (checked_rows >= 0),
    failing_rows bigint not null check (failing_rows >= 0),
    is_passed boolean generated always as (failing_rows = 0) stored,
    primary key (checked_at, check_name, table_name)
);

-- "The previous count of this table", "the latest run": both read the newest rows first.
create index quality_results_latest on quality_results (check_name, table_name, checked_at desc);

-- The consumer's periodic job stores its runs and prunes old ones; Grafana and psql read
-- them.
grant select, insert, delete on quality_results to pulse_writer;
grant select on quality_results to pulse_reader;
