-- Per user overall: first / last seen, signup, action count and the per-level counts the
-- most frequent engagement level is derived from (view `user_engagement`).
--
-- This statement runs first on purpose: upserting a user's row locks it until commit,
-- so a second consumer writing events of the same user (possible only during a
-- rebalance) waits here, and `020_user_history` always rebuilds from a snapshot that
-- contains every committed event of its users. Rows go in user_id order (no deadlocks).
with

new_events as (
    select * from inserted_events
),

levels as (
    select * from event_types
),

per_user as (
    select
        new_events.user_id,
        min(new_events.occurred_at) as first_seen_at,
        max(new_events.occurred_at) as last_seen_at,
        min(new_events.occurred_at) filter (
            where new_events.event_type = 'signup'
        ) as signed_up_at,
        count(*) as action_count,
        count(*) filter (where levels.engagement_level = 'high') as high_engagement_actions,
        count(*) filter (where levels.engagement_level = 'medium') as medium_engagement_actions,
        count(*) filter (where levels.engagement_level = 'low') as low_engagement_actions
    from new_events
    left join levels on new_events.event_type = levels.event_type
    group by new_events.user_id
)

insert into user_activity as stored (
    user_id,
    first_seen_at,
    last_seen_at,
    signed_up_at,
    action_count,
    high_engagement_actions,
    medium_engagement_actions,
    low_engagement_actions
)
select
    user_id,
    first_seen_at,
    last_seen_at,
    signed_up_at,
    action_count,
    high_engagement_actions,
    medium_engagement_actions,
    low_engagement_actions
from per_user
order by user_id
on conflict (user_id) do update set
    first_seen_at = least(stored.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(stored.last_seen_at, excluded.last_seen_at),
    signed_up_at = least(stored.signed_up_at, excluded.signed_up_at),
    action_count = stored.action_count + excluded.action_count,
    high_engagement_actions = stored.high_engagement_actions + excluded.high_engagement_actions,
    medium_engagement_actions
    = stored.medium_engagement_actions + excluded.medium_engagement_actions,
    low_engagement_actions = stored.low_engagement_actions + excluded.low_engagement_actions;
