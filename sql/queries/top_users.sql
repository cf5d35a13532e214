-- Top users by action count (all time), with each one's most frequent engagement level.
-- The rank is computed among the leaders only, which is exact: everyone with more actions
-- than a leader is a leader too. The leaders are the first rows of the index on
-- `user_activity (action_count desc, user_id)` (migration 140); each one's engagement is
-- then one primary-key probe (offset 0 keeps the planner from joining the view to every
-- user). Parameters: limit.
with

leaders as (
    select user_id
    from user_activity
    order by action_count desc, user_id
    limit %(limit)s
),

engagement as (
    select leader.*
    from leaders
    inner join lateral (
        select * from user_engagement
        where user_engagement.user_id = leaders.user_id
        offset 0
    ) as leader on true
),

final as (
    select
        rank() over (order by action_count desc) as action_rank,
        user_id,
        action_count,
        top_engagement_level,
        last_seen_at
    from engagement
)

select * from final
order by action_rank, user_id;
