-- Least privilege for the consumer: the group role pulse_writer may read and write the
-- Pulse tables and use their sequences, and nothing else. It owns nothing, so it cannot
-- drop, alter or truncate a table, and it may not create objects in the schema (only the
-- per-connection TEMP staging tables, which every role may create by default).
-- Consumers log in as a member of it (the local stack creates pulse_consumer); the owner
-- role runs the migrations. Roles belong to the cluster, not to one database, so the role
-- may already exist; only a role allowed to create roles makes it here.
do $$
begin
    if not exists (select from pg_roles where rolname = 'pulse_writer') then
        if not exists (
            select from pg_roles
            where rolname = current_user and (rolsuper or rolcreaterole)
        ) then
            raise exception 'role pulse_writer does not exist and % may not create it', current_user
                using hint = 'as a superuser run: create role pulse_writer nologin; then migrate again';
        end if;
        create role pulse_writer nologin;
    end if;
end
$$;

-- PostgreSQL 15 already withholds create on the public schema; older servers did not.
revoke create on schema public from public;
grant usage on schema public to pulse_writer;

grant select, insert, update, delete on all tables in schema public to pulse_writer;
grant usage, select on all sequences in schema public to pulse_writer;
-- The ledger of migrations is the owner's: the consumer reads it to check the schema
-- version, and never writes it.
revoke insert, update, delete on schema_migrations from pulse_writer;

-- Tables and sequences that later migrations create (as this same owner role) are
-- covered without another grant.
alter default privileges in schema public
grant select, insert, update, delete on tables to pulse_writer;
alter default privileges in schema public
grant usage, select on sequences to pulse_writer;
