-- The views and functions of the current schema, by name: what `sql/views/` may have
-- created (a missing one is re-created, a changed one dropped first).
select
    class.relname as name,
    'view' as kind
from pg_class as class
inner join pg_namespace as namespace on class.relnamespace = namespace.oid
where
    namespace.nspname = current_schema()
    and class.relkind = 'v'

union all

select
    routine.proname as name,
    'function' as kind
from pg_proc as routine
inner join pg_namespace as namespace on routine.pronamespace = namespace.oid
where
    namespace.nspname = current_schema()
    and routine.prokind = 'f';
