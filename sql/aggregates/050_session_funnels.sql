-- Per session: its span, its size and how far down the funnel it got. Flags are OR-ed,
-- so a session reaches a stage once however many batches carry its events; the daily
-- funnel (view `funnel_daily`) counts each session once, on the day it started.
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
)

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
    has_purchased = stored.has_purchased or excluded.has_purchased;
