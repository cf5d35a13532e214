-- Drift of `event_ids`, the idempotency key of the facts (migration 120): every fact has its
-- key, with the fact's own event time (the original's: a re-sent copy never becomes a
-- fact), and no event_id is stored twice, whatever partitions its copies would fall in;
-- every key belongs to a fact, except the keys of facts retention dropped that
-- prune_event_ids has not deleted yet (older than the retained facts). Empty when exact.
with

retention as (
    select retained_from from facts_retention
),

facts as (
    select
        event_id,
        occurred_at
    from events
),

stored_twice as (
    select
        'fact stored twice' as side,
        event_id,
        min(occurred_at) as occurred_at
    from facts
    group by event_id
    having count(*) > 1
),

facts_without_key as (
    select
        'fact without its key' as side,
        facts.event_id,
        facts.occurred_at
    from facts
    left join event_ids as stored_key on facts.event_id = stored_key.event_id
    where stored_key.occurred_at is distinct from facts.occurred_at
),

keys_without_fact as (
    select
        'key without its fact' as side,
        stored_key.event_id,
        stored_key.occurred_at
    from event_ids as stored_key
    where
        stored_key.occurred_at >= (select retained_from from retention)
        and not exists (select from facts where facts.event_id = stored_key.event_id)
),

final as (
    select * from stored_twice
    union all
    select * from facts_without_key
    union all
    select * from keys_without_fact
)

select * from final;
