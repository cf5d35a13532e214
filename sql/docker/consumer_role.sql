-- docker compose only (mounted into the postgres image's /docker-entrypoint-initdb.d):
-- the consumer's least-privileged login role. The local stack makes the same roles in
-- stack/postgres.py; migration 050 grants pulse_writer its table privileges.
create role pulse_writer nologin;
create role pulse_consumer login password 'pulse_consumer' in role pulse_writer;
