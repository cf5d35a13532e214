-- One row per fact, keyed to dim_users by (user_id, user_valid_from): the user version in
-- force when the action happened. Device and location are also kept on the fact as
-- degenerate dimensions (what the event itself said). Filter it (by time, by user):
-- the version lookup is one index probe per row.
create view fact_user_actions as
with

facts as (
    select * from events
),

final as (
    select
        facts.event_id,
        facts.occurred_at,
        facts.user_id,
        version.valid_from as user_valid_from,
        facts.event_type as action_type,
        facts.session_id,
        facts.device,
        facts.country,
        facts.city,
        facts.content_id,
        facts.product_id,
        facts.quantity,
        facts.unit_price,
        facts.currency
    from facts
    left join lateral (
        select history.valid_from
        from user_history as history
        where
            history.user_id = facts.user_id
            and history.valid_from <= facts.occurred_at
        order by history.valid_from desc
        limit 1
    ) as version on true
)

select * from final;

grant select on fact_user_actions to pulse_reader;
