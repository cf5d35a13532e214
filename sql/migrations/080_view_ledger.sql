-- The ledger of the objects in `sql/views/` (views, and the SQL functions that read them):
-- one row per object with the checksum of the file it was last created from.
-- `python -m consumer migrate` re-creates an object whose file's checksum differs from the
-- one recorded here, or that is missing, after the numbered migrations have run.
create table schema_views (
    name text primary key,
    kind text not null check (kind in ('view', 'function')),
    path text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
);

-- The consumer's role checks that every view is current (`pending()`), and cannot change
-- any: only the owner re-creates them.
grant select on schema_views to pulse_writer;
