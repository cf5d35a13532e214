-- Every version of one catalog dimension, for `consumer reconcile` (the placeholders are
-- its table, key column and attribute columns, filled in with psycopg.sql.Identifier).
select
    {key},
    valid_from,
    is_current,
    is_deleted,
    {attributes}
from {table};
