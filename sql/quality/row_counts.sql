-- The exact row count of every table of facts, dimensions and aggregates (one statement,
-- so one snapshot), with the count the previous stored run found, for the deltas; and, as
-- `events_dropped`, the facts retention has dropped from `events` so far (it only grows,
-- and `events` may shrink by its growth: consumer/quality/checks.py).
with

counted as (
    select 'events' as table_name, count(*) as row_count from events
    union all
    select 'events_dropped', coalesce(sum(facts), 0)::bigint from dropped_facts
    union all
    select 'event_ids', count(*) from event_ids
    union all
    select 'dim_date', count(*) from dim_date
    union all
    select 'dim_product', count(*) from dim_product
    union all
    select 'dim_post', count(*) from dim_post
    union all
    select 'dim_author', count(*) from dim_author
    union all
    select 'dim_agent', count(*) from dim_agent
    union all
    select 'event_counts_per_minute', count(*) from event_counts_per_minute
    union all
    select 'event_counts_per_hour', count(*) from event_counts_per_hour
    union all
    select 'weekday_hour_activity', count(*) from weekday_hour_activity
    union all
    select 'user_daily_activity', count(*) from user_daily_activity
    union all
    select 'user_activity', count(*) from user_activity
    union all
    select 'user_weekly_activity', count(*) from user_weekly_activity
    union all
    select 'user_history', count(*) from user_history
    union all
    select 'user_active_days', count(*) from user_active_days
    union all
    select 'active_user_days_by_gap', count(*) from active_user_days_by_gap
    union all
    select 'user_signup_cohorts', count(*) from user_signup_cohorts
    union all
    select 'weekly_cohort_activity', count(*) from weekly_cohort_activity
    union all
    select 'session_funnels', count(*) from session_funnels
    union all
    select 'daily_session_funnels', count(*) from daily_session_funnels
    union all
    select 'content_items', count(*) from content_items
    union all
    select 'content_leaders', count(*) from content_leaders
    union all
    select 'post_publications', count(*) from post_publications
    union all
    select 'post_slot_activity', count(*) from post_slot_activity
    union all
    select 'author_category_daily_posts', count(*) from author_category_daily_posts
    union all
    select 'content_daily_activity', count(*) from content_daily_activity
    union all
    select 'author_category_daily_activity', count(*) from author_category_daily_activity
    union all
    select 'author_category_activity', count(*) from author_category_activity
    union all
    select 'product_daily_sales', count(*) from product_daily_sales
    union all
    select 'product_sales', count(*) from product_sales
    union all
    select 'daily_sales', count(*) from daily_sales
    union all
    select 'support_calls', count(*) from support_calls
    union all
    select 'agent_daily_calls', count(*) from agent_daily_calls
    union all
    select 'daily_call_metrics', count(*) from daily_call_metrics
    union all
    select 'partition_offsets', count(*) from partition_offsets
    union all
    select 'dead_letters', count(*) from dead_letters
),

final as (
    select
        counted.table_name,
        counted.row_count,
        previous.checked_rows as previous_row_count,
        previous.checked_at as previous_checked_at
    from counted
    left join lateral (
        select
            stored.checked_rows,
            stored.checked_at
        from quality_results as stored
        where stored.check_name = 'row_count' and stored.table_name = counted.table_name
        order by stored.checked_at desc
        limit 1
    ) as previous on true
)

select * from final
order by table_name;
