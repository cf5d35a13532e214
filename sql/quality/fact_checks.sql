-- The data-quality checks of the facts and aggregates (seed 002's Great Expectations
-- suite, mapped to Pulse), each as (check_name, table_name, checked_rows, failing_rows);
-- a check passes when failing_rows is 0. One scan of `events` computes every fact check.
-- What the schema already guarantees (event_id unique, the envelope's columns not null)
-- is not checked again: these are the rules PostgreSQL does not enforce.
-- Parameters: %(clock_skew_seconds)s and %(late_horizon_days)s, the consumer's own
-- window (CLOCK_SKEW_SECONDS, LATE_HORIZON_DAYS), judged against when a fact was stored.
with

facts as (
    select
        events.*,
        event_types.event_type is not null as is_known_type,
        events.event_type in (
            'page_view', 'click', 'page_create', 'page_edit', 'comment', 'like', 'share'
        ) as is_content_event,
        events.event_type in ('add_to_cart', 'remove_from_cart', 'purchase') as is_cart_event
    from events
    left join event_types on events.event_type = event_types.event_type
),

fact_counts as (
    select
        count(*) as facts,
        count(*) filter (where not is_known_type) as unknown_types,
        count(*) filter (where device not in ('desktop', 'mobile', 'tablet')) as unknown_devices,
        count(*) filter (
            where occurred_at > ingested_at + %(clock_skew_seconds)s * interval '1 second'
        ) as from_the_future,
        count(*) filter (
            where occurred_at < ingested_at - %(late_horizon_days)s * interval '1 day'
        ) as too_old,
        count(*) filter (where is_content_event) as content_events,
        count(*) filter (
            where is_content_event and (content_id is null or author_id is null or category is null)
        ) as content_missing,
        count(*) filter (where is_cart_event) as cart_events,
        count(*) filter (
            where
                is_cart_event
                and (product_id is null or quantity is null or unit_price is null or currency is null)
        ) as cart_missing,
        count(*) filter (where event_type = 'purchase') as purchases,
        count(*) filter (where event_type = 'purchase' and order_id is null) as orders_missing,
        count(*) filter (where is_cart_event and quantity not between 1 and 10000) as bad_quantities,
        count(*) filter (where is_cart_event and unit_price < 0) as negative_prices,
        count(*) filter (where event_type = 'search') as searches,
        count(*) filter (
            where event_type = 'search' and (search_query is null or results_count not between 0 and 1000000)
        ) as bad_searches,
        count(*) filter (where event_type = 'support_call') as calls,
        count(*) filter (
            where
                event_type = 'support_call'
                and (
                    call_id is null or agent_id is null or transcript is null
                    or duration_seconds is null or duration_seconds not between 1 and 86400
                )
        ) as bad_calls,
        min((occurred_at at time zone 'UTC')::date) as first_event_date,
        max((occurred_at at time zone 'UTC')::date) as last_event_date
    from facts
),

calendar as (
    select
        (select min(calendar_date) from dim_date) as first_date,
        (select max(calendar_date) from dim_date) as last_date
),

sales_counts as (
    select
        count(*) as days,
        count(*) filter (where revenue < 0 or orders < 1 or units_sold < orders) as bad_days
    from daily_sales
),

final as (
    select checks.*
    from fact_counts
    cross join calendar
    cross join sales_counts
    cross join lateral (
        values
        ('event_type_known', 'events', facts, unknown_types),
        ('device_known', 'events', facts, unknown_devices),
        ('occurred_at_not_in_future', 'events', facts, from_the_future),
        ('occurred_at_not_too_old', 'events', facts, too_old),
        ('content_fields_present', 'events', content_events, content_missing),
        ('cart_fields_present', 'events', cart_events, cart_missing),
        ('order_id_present', 'events', purchases, orders_missing),
        ('quantity_in_range', 'events', cart_events, bad_quantities),
        ('unit_price_not_negative', 'events', cart_events, negative_prices),
        ('search_fields_valid', 'events', searches, bad_searches),
        ('support_call_fields_valid', 'events', calls, bad_calls),
        (
            'dim_date_covers_events',
            'dim_date',
            coalesce(last_event_date - first_event_date + 1, 0)::bigint,
            (
                -- Days of events beyond either end of the calendar (it has no gaps:
                -- reconcile checks that); all of them when it is empty.
                case
                    when first_event_date is null then 0
                    when calendar.first_date is null then last_event_date - first_event_date + 1
                    else
                        greatest(calendar.first_date - first_event_date, 0)
                        + greatest(last_event_date - calendar.last_date, 0)
                end
            )::bigint
        ),
        ('daily_sales_in_range', 'daily_sales', days, bad_days)
    ) as checks (check_name, table_name, checked_rows, failing_rows)
)

select * from final;
