-- The view -> cart -> purchase funnel per day over the last `days` days (as in the view
-- `funnel_daily`, reading only the sessions that started in the period, through the
-- index on started_at). Parameters: days.
with

sessions as (
    select * from session_funnels
    where started_at >= date_trunc('day', now(), 'UTC') - (%(days)s - 1) * interval '1 day'
),

per_day as (
    select
        (started_at at time zone 'UTC')::date as activity_date,
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

select * from final
order by activity_date;
