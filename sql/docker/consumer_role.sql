-- docker compose only (mounted into the postgres image's /docker-entrypoint-initdb.d):
-- the consumer's least-privileged login role. The local stack makes the same roles in
-- stack/postgres.py; migration 050 grants pulse_writer its table privileges (and creates
-- it if the owner migrated first), so each role is created only when missing.
do $$
begin
    if not exists (select from pg_roles where rolname = 'pulse_writer') then
        create role pulse_writer nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'pulse_consumer') then
        create role pulse_consumer login password 'pulse_consumer' in role pulse_writer;
    end if;
end
$$;
