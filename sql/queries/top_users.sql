-- Top users by action count (all time), with each one's most frequent engagement level.
-- The rank is computed among the leaders only, which is exact: everyone with more actions
-- than a leader is a leader too. Parameters: limit.
with

engagement as (
    select * from user_engagement
),

leaders as (
    select * from engagement
    order by action_count desc, user_id
    limit %(limit)s
),

final as (
    select
        rank() over (order by action_count desc) as action_rank,
        user_id,
        action_count,
        top_engagement_level,
        last_seen_at
    from leaders
)

select * from final
order by action_rank, user_id;
