-- The view -> cart -> purchase funnel per UTC day, each session counted once, on the day
-- it started. Stages nest: a session reaches the cart stage if it viewed and added to
-- cart, the purchase stage if it also purchased. Read from the per-day counts kept with
-- the sessions (`daily_session_funnels`, migration 132).
create view funnel_daily as
with

days as (
    select * from daily_session_funnels
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
    from days
)

select * from final;

grant select on funnel_daily to pulse_reader;
