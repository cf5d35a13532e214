-- The view -> cart -> purchase funnel per UTC day, each session counted once, on the day
-- it started. Stages nest: a session reaches the cart stage if it viewed and added to
-- cart, the purchase stage if it also purchased.
create view funnel_daily as
with

sessions as (
    select * from session_funnels
),

per_day as (
    select
        (started_at at time zone 'UTC')::date as activity_date,
        count(*) as sessions,
        count(*) filter (where has_viewed) as viewed_sessions,
        count(*) filter (where has_viewed and has_added_to_cart) as carted_sessions,
        count(*) filter (
            where has_viewed and has_added_to_cart and has_purchased
        ) as purchased_sessions
    from sessions
    group by 1
),

final as (
    select
        activity_date,
        sessions,
        viewed_sessions,
        carted_sessions,
        purchased_sessions,
        round(100.0 * carted_sessions / nullif(viewed_sessions, 0), 2) as view_to_cart_pct,
        round(100.0 * purchased_sessions / nullif(carted_sessions, 0), 2)
            as cart_to_purchase_pct,
        round(100.0 * purchased_sessions / nullif(viewed_sessions, 0), 2)
            as view_to_purchase_pct
    from per_day
)

select * from final;

grant select on funnel_daily to pulse_reader;
