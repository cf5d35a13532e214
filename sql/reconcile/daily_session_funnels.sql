-- Drift of `daily_session_funnels`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- Days before the retained facts are history (sql/reconcile/history/); so are the sessions
-- that started before them (FACTS_RETENTION_DAYS dropped some of their events), which
-- are left out of the recomputation of the later days.
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows they proved are
    -- history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

history as (
    select
        user_id,
        session_id
    from session_funnels
    where started_at < (select retained_from from retention)
),

stored as (
    select
        activity_date,
        sessions,
        viewed_sessions,
        carted_sessions,
        purchased_sessions
    from daily_session_funnels
    where activity_date >= (select retained_from_date from retention)
),

per_session as (
    select
        min(occurred_at) as started_at,
        bool_or(event_type = 'page_view') as has_viewed,
        bool_or(event_type = 'add_to_cart') as has_added_to_cart,
        bool_or(event_type = 'purchase') as has_purchased
    from events
    where
        occurred_at >= (select retained_from from retention)
        and not exists (
            select from history
            where history.user_id = events.user_id and history.session_id = events.session_id
        )
    group by user_id, session_id
),

recomputed as (
    select
        (started_at at time zone 'UTC')::date as activity_date,
        count(*) as sessions,
        count(*) filter (where has_viewed) as viewed_sessions,
        count(*) filter (where has_viewed and has_added_to_cart) as carted_sessions,
        count(*) filter (where has_viewed and has_added_to_cart and has_purchased)
            as purchased_sessions
    from per_session
    group by 1
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
