-- Per user: activity span and the most frequent engagement level (ties go to the higher
-- level), derived from the per-level counts maintained in `user_activity`.
create view user_engagement as
with

activity as (
    select * from user_activity
),

final as (
    select
        user_id,
        first_seen_at,
        last_seen_at,
        signed_up_at,
        action_count,
        high_engagement_actions,
        medium_engagement_actions,
        low_engagement_actions,
        case
            when high_engagement_actions + medium_engagement_actions + low_engagement_actions = 0
                then null
            when
                high_engagement_actions >= medium_engagement_actions
                and high_engagement_actions >= low_engagement_actions
                then 'high'
            when medium_engagement_actions >= low_engagement_actions then 'medium'
            else 'low'
        end as top_engagement_level
    from activity
)

select * from final;

grant select on user_engagement to pulse_reader;
