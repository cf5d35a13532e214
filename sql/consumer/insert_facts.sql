-- Move the batch into the facts table. Already-stored event_ids (and repeats inside the
-- batch) are skipped; rows go in event_id order so concurrent consumers take index
-- locks in the same order. The rows actually inserted are kept for the aggregates.
with inserted as (
    insert into events
    select distinct on (event_id) *
    from incoming_events
    order by event_id, source_offset
    on conflict (event_id) do nothing
    returning *
)

insert into inserted_events
select * from inserted;
