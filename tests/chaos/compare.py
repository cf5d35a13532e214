"""Two databases fed from the same topic must hold the same facts, offsets and aggregates.
Columns that record processing time or a sequence (defaults like now() or nextval()) are
left out: they differ between any two runs by design. So are the ledgers of what ran when:
applied migrations, and the data-quality runs (each counts the tables at its own moment).
The facts are compared through `events`, not partition by partition: which empty weeks
have a partition ahead of need depends on how the batches fell."""

from __future__ import annotations

import psycopg
from psycopg import sql

_TABLES_SQL = """
select c.relname from pg_class as c inner join pg_namespace as n on c.relnamespace = n.oid
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  and c.relname not in ('schema_migrations', 'quality_results')
order by c.relname
"""
_COLUMNS_SQL = """
select column_name from information_schema.columns
where table_schema = 'public' and table_name = %s
  and is_identity = 'NO'
  and coalesce(column_default, '') not like '%%now()%%'
  and coalesce(column_default, '') not like '%%nextval(%%'
  and column_name not in ('ingested_at', 'updated_at')
order by ordinal_position
"""


def _snapshot(conn: psycopg.Connection[tuple[object, ...]], table: str) -> list[tuple[object, ...]]:
    columns = [str(row[0]) for row in conn.execute(_COLUMNS_SQL, (table,))]
    identifiers = sql.SQL(", ").join([sql.Identifier(c) for c in columns])
    # As text: psycopg cannot load an infinite timestamp (facts_retention's '-infinity').
    as_text = sql.SQL(", ").join([sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns])
    query = sql.SQL("select {} from {} order by {}").format(
        as_text, sql.Identifier(table), identifiers
    )
    return conn.execute(query).fetchall()


def differing_tables(left_url: str, right_url: str) -> list[str]:
    """Names of the tables whose contents differ (as '<table>: n vs m rows')."""
    differ: list[str] = []
    with psycopg.connect(left_url) as left, psycopg.connect(right_url) as right:
        tables = [row[0] for row in left.execute(_TABLES_SQL)]
        for table in tables:
            a, b = _snapshot(left, table), _snapshot(right, table)
            if a != b:
                differ.append(f"{table}: {len(a)} vs {len(b)} rows")
    return differ
