-- Per session: its span, its size and how far down the funnel it got. Flags are OR-ed,
-- so a session reaches a stage once however many batches carry its events; the daily
-- funnel (view `funnel_daily`) counts each session once, on the day it started.
--
-- The same statement keeps `daily_session_funnels` (migration 132): each session of the
-- batch takes its stored row (read here before the upsert changes it) out of the counts
-- of the day it started on, and puts its upserted row back, so a late event that makes it
-- start a day earlier, or a later one that takes it to the cart, moves one count. The
-- daily rows are few and hot (every batch adds to today's), which is why this statement
-- runs late in the batch (it used to be 050; nothing before reads `session_funnels`).
-- `010_user_activity` has locked the batch's users, and sessions are per user, so no other
-- transaction changes these sessions meanwhile. Rows go in key order (no deadlocks).
with

new_events as (
    select * from inserted_events
),

per_session as (
    select
        user_id,
        session_id,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        count(*) as event_count,
        bool_or(event_type = 'page_view') as has_viewed,
        bool_or(event_type = 'add_to_cart') as has_added_to_cart,
        bool_or(event_type = 'purchase') as has_purchased
    from new_events
    group by user_id, session_id
),

previous_sessions as (
    select stored.*
    from per_session
    inner join lateral (
        -- offset 0: one primary-key probe per session, never a scan of them all.
        select
            sessions.started_at,
            sessions.has_viewed,
            sessions.has_added_to_cart,
            sessions.has_purchased
        from session_funnels as sessions
        where
            sessions.user_id = per_session.user_id
            and sessions.session_id = per_session.session_id
        offset 0
    ) as stored on true
),

upserted_sessions as (
    insert into session_funnels as stored (
        user_id,
        session_id,
        started_at,
        ended_at,
        event_count,
        has_viewed,
        has_added_to_cart,
        has_purchased
    )
    select
        user_id,
        session_id,
        started_at,
        ended_at,
        event_count,
        has_viewed,
        has_added_to_cart,
        has_purchased
    from per_session
    order by user_id, session_id
    on conflict (user_id, session_id) do update set
        started_at = least(stored.started_at, excluded.started_at),
        ended_at = greatest(stored.ended_at, excluded.ended_at),
        event_count = stored.event_count + excluded.event_count,
        has_viewed = stored.has_viewed or excluded.has_viewed,
        has_added_to_cart = stored.has_added_to_cart or excluded.has_added_to_cart,
        has_purchased = stored.has_purchased or excluded.has_purchased
    returning started_at, has_viewed, has_added_to_cart, has_purchased
),

changes as (
    select
        started_at,
        has_viewed,
        has_added_to_cart,
        has_purchased,
        1 as sessions
    from upserted_sessions
    union all
    select
        started_at,
        has_viewed,
        has_added_to_cart,
        has_purchased,
        -1 as sessions
    from previous_sessions
),

per_day as (
    select
        (started_at at time zone 'UTC')::date as activity_date,
        sum(sessions) as sessions,
        coalesce(sum(sessions) filter (where has_viewed), 0) as viewed_sessions,
        coalesce(sum(sessions) filter (where has_viewed and has_added_to_cart), 0)
            as carted_sessions,
        coalesce(sum(sessions) filter (
            where has_viewed and has_added_to_cart and has_purchased
        ), 0) as purchased_sessions
    from changes
    group by 1
)

insert into daily_session_funnels as stored (
    activity_date,
    sessions,
    viewed_sessions,
    carted_sessions,
    purchased_sessions
)
select
    activity_date,
    sessions,
    viewed_sessions,
    carted_sessions,
    purchased_sessions
from per_day
where (sessions, viewed_sessions, carted_sessions, purchased_sessions) <> (0, 0, 0, 0)
order by activity_date
on conflict (activity_date) do update set
    sessions = stored.sessions + excluded.sessions,
    viewed_sessions = stored.viewed_sessions + excluded.viewed_sessions,
    carted_sessions = stored.carted_sessions + excluded.carted_sessions,
    purchased_sessions = stored.purchased_sessions + excluded.purchased_sessions;
