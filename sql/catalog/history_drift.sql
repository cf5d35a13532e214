-- Drift of one catalog dimension's history (the placeholders are its table and key column,
-- filled in with psycopg.sql.Identifier): versions whose end is not where the next version
-- by valid_from starts, or that are current without being the last one. Empty when exact.
with

versions as (
    select
        {key} as entity_id,
        valid_from,
        valid_to,
        is_current,
        lead(valid_from) over (partition by {key} order by valid_from) as next_valid_from
    from {table}
),

final as (
    select
        'end differs' as side,
        entity_id,
        valid_from,
        valid_to,
        is_current,
        next_valid_from as recomputed_valid_to
    from versions
    where
        valid_to is distinct from next_valid_from
        or is_current <> (next_valid_from is null)
)

select * from final
order by entity_id, valid_from;
