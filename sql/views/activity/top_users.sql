-- Top users by action count, all time.
create view top_users as
with

engagement as (
    select * from user_engagement
),

final as (
    select
        rank() over (order by action_count desc) as action_rank,
        user_id,
        action_count,
        top_engagement_level,
        first_seen_at,
        last_seen_at
    from engagement
)

select * from final
order by action_rank, user_id;

grant select on top_users to pulse_reader;
