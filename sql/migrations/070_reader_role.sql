-- pulse:replaces-checksum 036c061aee332edb63e8d9bc398625a2b298571be97602f2527cffb6ce015668
-- The read-only role pulse_reader: what Grafana's PostgreSQL data source, the README's
-- psql examples and the demo's hints log in as. Grafana runs whatever SQL a dashboard
-- editor types, so its role may read the analytics and nothing else: it owns nothing,
-- may not create objects (not even TEMP tables: see the end), and has SELECT on the
-- relations listed here only. A new table is not readable until a migration grants it;
-- a view, until its file in `sql/views/` grants it (tests/integration/test_database_roles.py
-- lists the expected privileges of every relation, so a new one cannot go undecided).
--
-- Roles belong to the cluster: the local stack (stack/postgres.py) and docker compose
-- (sql/docker/roles.sql) create it as a login role with a password; here it is created,
-- without login, only when missing and only by a role allowed to create roles.
do $$
begin
    if not exists (select from pg_roles where rolname = 'pulse_reader') then
        if not exists (
            select from pg_roles
            where rolname = current_user and (rolsuper or rolcreaterole)
        ) then
            raise exception 'role pulse_reader does not exist and % may not create it', current_user
                using hint = 'as a superuser run: create role pulse_reader nologin; then migrate again';
        end if;
        create role pulse_reader nologin;
    end if;
end
$$;

grant usage on schema public to pulse_reader;

-- The aggregates and dimensions that panels and sql/queries read directly, and that the
-- functions post_engagement, author_trends and top_categories (security invoker) read.
grant select on
    event_types,
    event_counts_per_minute,
    event_counts_per_hour,
    weekday_hour_activity,
    user_daily_activity,
    user_activity,
    user_weekly_activity,
    session_funnels,
    content_items,
    content_daily_activity,
    author_category_daily_activity,
    product_daily_sales,
    daily_sales,
    user_history,
    support_calls,
    agent_daily_calls,
    daily_call_metrics
to pulse_reader;

-- The facts and the mirrored dead letters: the README's SQL joins them ("rejected events
-- that a replay later stored").
grant select on events, dead_letters to pulse_reader;

-- The ledger's counters: the demo's "ingest outcomes" query shows every column of it
-- (offsets read and how each ended). What stays hidden are the owner's migration ledger
-- and the dead-letter mirror's resume positions (schema_migrations, dead_letter_offsets).
grant select on partition_offsets to pulse_reader;

-- Every role may create TEMP tables in a new database by default. Only the consumer
-- needs them (its per-connection staging tables); a reader gets none.
do $$
begin
    execute format('revoke temporary on database %I from public', current_database());
    execute format('grant temporary on database %I to pulse_writer', current_database());
end
$$;
