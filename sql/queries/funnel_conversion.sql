-- The view -> cart -> purchase funnel per day over the last `days` days (as in the view
-- `funnel_daily`), from the per-day counts of sessions and of the stages they reached
-- (`daily_session_funnels`, migration 132: one row per day). Parameters: days.
with

days as (
    select * from daily_session_funnels
    where activity_date >= (now() at time zone 'UTC')::date - (%(days)s - 1)
),

final as (
    select
        activity_date,
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

select * from final
order by activity_date;
