-- docker compose only (mounted into the postgres image's /docker-entrypoint-initdb.d, run
-- by psql on the first start of an empty data volume): the consumer's least-privileged
-- login role and the read-only role of Grafana and psql. The local stack makes the same
-- roles in stack/postgres.py; migrations 050 and 071 grant pulse_writer its table
-- privileges and 070 grants pulse_reader its SELECTs (each creates its role when the owner
-- migrated first), so each role is created only when missing.
--
-- The passwords come from the container's environment (docker-compose.yml passes
-- PULSE_CONSUMER_PASSWORD and PULSE_READER_PASSWORD, demo defaults pulse_consumer and
-- pulse_reader); psql quotes them (:'name', format %L), so no value is pasted into SQL.
\set ON_ERROR_STOP on
\getenv consumer_password PULSE_CONSUMER_PASSWORD
\getenv reader_password PULSE_READER_PASSWORD

select 'create role pulse_writer nologin'
where not exists (select from pg_roles where rolname = 'pulse_writer') \gexec
select 'create role pulse_consumer'
where not exists (select from pg_roles where rolname = 'pulse_consumer') \gexec
select format(
    'alter role pulse_consumer with login nocreatedb nocreaterole nosuperuser password %L',
    :'consumer_password'
) \gexec
grant pulse_writer to pulse_consumer;

select 'create role pulse_reader'
where not exists (select from pg_roles where rolname = 'pulse_reader') \gexec
select format(
    'alter role pulse_reader with login nocreatedb nocreaterole nosuperuser password %L',
    :'reader_password'
) \gexec
