-- The batch was COPYed into `inserted_events`; this statement leaves there only the facts
-- the batch stores. The idempotency key goes first: a fact is stored only if this
-- statement inserted its event_id into `event_ids`, so an event_id already stored
-- (whatever partition its original lies in) is skipped, and so is every copy of an
-- event_id repeated inside the batch but its first (lowest offset). Keys go in event_id
-- order, so concurrent consumers take their index locks in the same order.
--
-- Pruning the staging table in place, rather than copying what was inserted into a
-- second table, spares a sort and a copy of every whole row: only keys and positions
-- are sorted here (`insert_facts` then moves the rows that remain).
with

first_copies as (
    select distinct on (event_id)
        event_id,
        occurred_at,
        source_partition,
        source_offset
    from inserted_events
    order by event_id, source_offset, source_partition
),

new_keys as (
    insert into event_ids (event_id, occurred_at)
    select
        event_id,
        occurred_at
    from first_copies
    order by event_id
    on conflict (event_id) do nothing
    returning event_id
),

stored as (
    select
        first_copies.source_partition,
        first_copies.source_offset
    from first_copies
    inner join new_keys on first_copies.event_id = new_keys.event_id
)

delete from inserted_events as staged
where not exists (
    select
    from stored
    where
        stored.source_partition = staged.source_partition
        and stored.source_offset = staged.source_offset
);
