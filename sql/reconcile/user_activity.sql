-- Drift of `user_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- A user first seen before the retained facts (FACTS_RETENTION_DAYS dropped some of their
-- events) is history: neither side of them is compared (sql/reconcile/history/).
with

retention as (
    select retained_from from facts_retention
),

levels as (
    select * from event_types
),

stored as (
    select
        user_id,
        first_seen_at,
        last_seen_at,
        signed_up_at,
        action_count,
        high_engagement_actions,
        medium_engagement_actions,
        low_engagement_actions
    from user_activity
    where first_seen_at >= (select retained_from from retention)
),

history as (
    select user_id
    from user_activity
    where first_seen_at < (select retained_from from retention)
),

recomputed as (
    select
        events.user_id,
        min(events.occurred_at) as first_seen_at,
        max(events.occurred_at) as last_seen_at,
        min(events.occurred_at) filter (where events.event_type = 'signup') as signed_up_at,
        count(*) as action_count,
        count(*) filter (where levels.engagement_level = 'high') as high_engagement_actions,
        count(*) filter (where levels.engagement_level = 'medium') as medium_engagement_actions,
        count(*) filter (where levels.engagement_level = 'low') as low_engagement_actions
    from events
    left join levels on events.event_type = levels.event_type
    where
        events.occurred_at >= (select retained_from from retention)
        and not exists (select from history where history.user_id = events.user_id)
    group by events.user_id
),

stored_only as (
    select * from stored
    except
    select * from recomputed
),

recomputed_only as (
    select * from recomputed
    except
    select * from stored
),

final as (
    select
        'stored only' as side,
        stored_only.*
    from stored_only
    union all
    select
        'recomputed only' as side,
        recomputed_only.*
    from recomputed_only
)

select * from final;
