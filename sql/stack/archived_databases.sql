-- Databases whose name starts with the given prefix (`<database>_before_`), with their
-- size and owner; Python keeps those whose whole name has the archive's shape. The prefix
-- is compared as text, not with LIKE, where `_` would match any character.
select
    datname as database_name,
    pg_database_size(oid) as size_bytes,
    pg_get_userbyid(datdba) as owner_name
from pg_database
where left(datname, length(%(prefix)s)) = %(prefix)s
order by datname;
