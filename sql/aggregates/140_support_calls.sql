-- The enriched support calls of this batch: the rules' results staged in `incoming_calls`
-- joined to the facts this transaction inserted, on the exact record (event_id, partition,
-- offset), so a duplicate, or a second record with a stored event_id, adds nothing.
with

calls as (
    select
        inserted_events.event_id,
        inserted_events.occurred_at,
        inserted_events.call_id,
        inserted_events.user_id,
        inserted_events.agent_id,
        incoming_calls.agent_name,
        inserted_events.duration_seconds,
        incoming_calls.transcript_clean,
        incoming_calls.conversion_kind,
        incoming_calls.upsell_amount,
        incoming_calls.upsell_product,
        incoming_calls.sentiment,
        incoming_calls.sentiment_score,
        incoming_calls.rules_version
    from inserted_events
    inner join incoming_calls
        on
            inserted_events.event_id = incoming_calls.event_id
            and inserted_events.source_partition = incoming_calls.source_partition
            and inserted_events.source_offset = incoming_calls.source_offset
    where inserted_events.event_type = 'support_call'
)

insert into support_calls (
    event_id,
    occurred_at,
    call_id,
    user_id,
    agent_id,
    agent_name,
    duration_seconds,
    transcript_clean,
    conversion_kind,
    upsell_amount,
    upsell_product,
    sentiment,
    sentiment_score,
    rules_version
)
select * from calls
order by event_id
on conflict (event_id) do nothing;
