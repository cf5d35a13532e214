-- Re-derive the end of every version of the entities this batch touched, in one catalog
-- dimension (the placeholders are its table and key column, filled in with
-- psycopg.sql.Identifier): a version ends where the next one by valid_from starts, and
-- only the last one is current. Run after the batch's versions were inserted, so a
-- version that arrived after a newer one lands in its place in the history and the
-- current version stays current. Only rows whose end moves are written.
with

touched as (
    select distinct entity_id
    from incoming_catalog
    where entity_type = %(entity_type)s
),

timeline as (
    select
        history.{key} as entity_id,
        history.valid_from,
        lead(history.valid_from) over (
            partition by history.{key}
            order by history.valid_from
        ) as next_valid_from
    from {table} as history
    inner join touched on history.{key} = touched.entity_id
)

update {table} as history
set
    valid_to = timeline.next_valid_from,
    is_current = timeline.next_valid_from is null
from timeline
where
    history.{key} = timeline.entity_id
    and history.valid_from = timeline.valid_from
    and history.valid_to is distinct from timeline.next_valid_from;
