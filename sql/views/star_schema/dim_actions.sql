-- Actions: the event types with their engagement level.
create view dim_actions as
with

levels as (
    select * from event_types
),

final as (
    select
        event_type as action_type,
        engagement_level,
        engagement_rank,
        is_content_engagement
    from levels
)

select * from final;

grant select on dim_actions to pulse_reader;
