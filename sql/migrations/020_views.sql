-- The analytics of the seed pipelines as views over the incrementally maintained
-- aggregates (never over `events`, except the star-schema fact view): each answers from
-- pre-aggregated rows, so it stays fast as the facts grow. Days, hours and weeks are UTC;
-- "today" is the current UTC date. Ratios are percentages rounded to 2 decimals and null
-- where the denominator is 0.

-- Users ---------------------------------------------------------------------------

-- Per user: activity span and the most frequent engagement level (ties go to the higher
-- level), derived from the per-level counts maintained in `user_activity`.
create view user_engagement as
with

activity as (
    select * from user_activity
),

final as (
    select
        user_id,
        first_seen_at,
        last_seen_at,
        signed_up_at,
        action_count,
        high_engagement_actions,
        medium_engagement_actions,
        low_engagement_actions,
        case
            when high_engagement_actions + medium_engagement_actions + low_engagement_actions = 0
                then null
            when
                high_engagement_actions >= medium_engagement_actions
                and high_engagement_actions >= low_engagement_actions
                then 'high'
            when medium_engagement_actions >= low_engagement_actions then 'medium'
            else 'low'
        end as top_engagement_level
    from activity
)

select * from final;

-- Top users by action count, all time.
create view top_users as
with

engagement as (
    select * from user_engagement
),

final as (
    select
        rank() over (order by action_count desc) as action_rank,
        user_id,
        action_count,
        top_engagement_level,
        first_seen_at,
        last_seen_at
    from engagement
)

select * from final
order by action_rank, user_id;

-- Active users per UTC day, ISO week and calendar month.
create view active_users_daily as
with

user_days as (
    select distinct
        activity_date,
        user_id
    from user_daily_activity
),

final as (
    select
        activity_date,
        count(*) as active_users
    from user_days
    group by activity_date
)

select * from final;

create view active_users_weekly as
with

user_weeks as (
    select * from user_weekly_activity
),

final as (
    select
        week_start_date,
        count(*) as active_users
    from user_weeks
    group by week_start_date
)

select * from final;

create view active_users_monthly as
with

user_months as (
    select distinct
        date_trunc('month', activity_date::timestamp)::date as month_start_date,
        user_id
    from user_daily_activity
),

final as (
    select
        month_start_date,
        count(*) as active_users
    from user_months
    group by month_start_date
)

select * from final;

-- Weekly retention by signup cohort: of the users who signed up in an ISO week, the share
-- active in each following week (week 0 is the signup week). Users whose signup was not
-- seen (they joined before the data starts) belong to no cohort.
create view weekly_retention as
with

cohort_members as (
    select
        user_id,
        date_trunc('week', signed_up_at at time zone 'UTC')::date as cohort_week_start_date
    from user_activity
    where signed_up_at is not null
),

user_weeks as (
    select * from user_weekly_activity
),

cohort_sizes as (
    select
        cohort_week_start_date,
        count(*) as cohort_users
    from cohort_members
    group by cohort_week_start_date
),

cohort_activity as (
    select
        cohort_members.cohort_week_start_date,
        (user_weeks.week_start_date - cohort_members.cohort_week_start_date) / 7 as week_number,
        count(*) as active_users
    from cohort_members
    inner join user_weeks on cohort_members.user_id = user_weeks.user_id
    where user_weeks.week_start_date >= cohort_members.cohort_week_start_date
    group by 1, 2
),

final as (
    select
        cohort_activity.cohort_week_start_date,
        cohort_sizes.cohort_users,
        cohort_activity.week_number,
        cohort_activity.active_users,
        round(100.0 * cohort_activity.active_users / cohort_sizes.cohort_users, 2)
            as retention_pct
    from cohort_activity
    inner join cohort_sizes
        on cohort_activity.cohort_week_start_date = cohort_sizes.cohort_week_start_date
)

select * from final;

-- Action trends and live counters --------------------------------------------------

create view action_trends_by_minute as
with

per_minute as (
    select * from event_counts_per_minute
),

final as (
    select
        minute_at as bucket_at,
        event_type,
        event_count
    from per_minute
)

select * from final;

create view action_trends_by_hour as
with

per_hour as (
    select * from event_counts_per_hour
),

final as (
    select
        hour_at as bucket_at,
        event_type,
        event_count
    from per_hour
)

select * from final;

create view action_trends_by_day as
with

per_hour as (
    select * from event_counts_per_hour
),

final as (
    select
        date_trunc('day', hour_at, 'UTC') as bucket_at,
        event_type,
        sum(event_count)::bigint as event_count
    from per_hour
    group by 1, 2
)

select * from final;

-- Events in the last 1, 5 and 60 minutes and 24 hours: the complete UTC minutes before
-- the current one (a window's figure is final, it never shrinks as a minute rolls over).
create view live_counters as
with

per_minute as (
    select * from event_counts_per_minute
),

windows as (
    select
        window_name,
        window_minutes,
        date_trunc('minute', now(), 'UTC') - window_minutes * interval '1 minute'
            as window_started_at,
        date_trunc('minute', now(), 'UTC') as window_ended_at
    from (
        values ('1 minute', 1), ('5 minutes', 5), ('60 minutes', 60), ('24 hours', 1440)
    ) as sizes (window_name, window_minutes)
),

final as (
    select
        windows.window_name,
        windows.window_minutes,
        windows.window_started_at,
        windows.window_ended_at,
        coalesce(sum(per_minute.event_count), 0)::bigint as event_count,
        round(coalesce(sum(per_minute.event_count), 0) / (windows.window_minutes * 60.0), 3)
            as events_per_second
    from windows
    left join per_minute
        on
            per_minute.minute_at >= windows.window_started_at
            and per_minute.minute_at < windows.window_ended_at
    group by 1, 2, 3, 4
)

select * from final
order by window_minutes;

-- Engagement by ISO weekday x hour of day (UTC), every one of the 168 slots, with each
-- slot's share of all content engagement.
create view engagement_by_weekday_hour as
with

activity as (
    select * from weekday_hour_activity
),

levels as (
    select * from event_types
),

slots as (
    select
        weekday.iso_weekday,
        hour.hour_of_day
    from generate_series(1, 7) as weekday (iso_weekday)
    cross join generate_series(0, 23) as hour (hour_of_day)
),

per_slot as (
    select
        activity.iso_weekday,
        activity.hour_of_day,
        sum(activity.event_count) filter (where activity.event_type = 'page_view') as views,
        sum(activity.event_count) filter (where activity.event_type = 'like') as likes,
        sum(activity.event_count) filter (where activity.event_type = 'comment') as comments,
        sum(activity.event_count) filter (where activity.event_type = 'share') as shares,
        sum(activity.event_count) filter (where levels.is_content_engagement) as engagements,
        sum(activity.event_count)::bigint as all_events
    from activity
    left join levels on activity.event_type = levels.event_type
    group by 1, 2
),

final as (
    select
        slots.iso_weekday,
        (array[
            'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
        ])[slots.iso_weekday] as weekday_name,
        slots.hour_of_day,
        coalesce(per_slot.views, 0)::bigint as views,
        coalesce(per_slot.likes, 0)::bigint as likes,
        coalesce(per_slot.comments, 0)::bigint as comments,
        coalesce(per_slot.shares, 0)::bigint as shares,
        coalesce(per_slot.engagements, 0)::bigint as total_engagements,
        coalesce(per_slot.all_events, 0)::bigint as all_events,
        round(
            100.0 * coalesce(per_slot.engagements, 0)
            / nullif(sum(per_slot.engagements) over (), 0),
            2
        ) as share_of_total_pct
    from slots
    left join per_slot
        on
            slots.iso_weekday = per_slot.iso_weekday
            and slots.hour_of_day = per_slot.hour_of_day
)

select * from final
order by iso_weekday, hour_of_day;

-- Content ------------------------------------------------------------------------

-- Engagement per post (every content item seen): total engagements are views + likes +
-- comments + shares (`event_types.is_content_engagement`); the engagement rate is
-- interactions per 100 views, (likes + comments + shares) / views x 100. No window
-- function here, so a filter on post_id reaches the primary key (`post_engagement()`).
create view post_engagement_stats as
with

items as (
    select * from content_items
),

item_days as (
    select * from content_daily_activity
),

totals as (
    select
        content_id,
        sum(views)::bigint as views,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(engagements)::bigint as total_engagements
    from item_days
    group by content_id
),

final as (
    select
        totals.content_id as post_id,
        items.author_id,
        items.category,
        items.published_at,
        totals.views,
        totals.likes,
        totals.comments,
        totals.shares,
        totals.total_engagements,
        round(100.0 * (totals.likes + totals.comments + totals.shares) / nullif(totals.views, 0), 2)
            as engagement_rate
    from totals
    inner join items on totals.content_id = items.content_id
)

select * from final;

-- Top pages by actions: every action on the item (views, clicks, likes, comments,
-- shares, edits and its creation).
create view top_pages as
with

items as (
    select * from content_items
),

item_days as (
    select * from content_daily_activity
),

totals as (
    select
        content_id,
        sum(views + clicks + likes + comments + shares + edits + creates)::bigint as actions,
        sum(views)::bigint as views,
        sum(clicks)::bigint as clicks,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(edits)::bigint as edits
    from item_days
    group by content_id
),

final as (
    select
        rank() over (order by totals.actions desc) as action_rank,
        totals.content_id,
        items.author_id,
        items.category,
        items.published_at,
        totals.actions,
        totals.views,
        totals.clicks,
        totals.likes,
        totals.comments,
        totals.shares,
        totals.edits
    from totals
    inner join items on totals.content_id = items.content_id
)

select * from final
order by action_rank, content_id;

-- Top authors per category over the last 90 UTC days (today included): posts published
-- and engagement received in that period, ranked within the category by engagement.
create view top_authors_90d as
with

author_days as (
    select * from author_category_daily_activity
    where activity_date > (now() at time zone 'UTC')::date - 90
),

per_author as (
    select
        category,
        author_id,
        sum(posts_published)::bigint as posts_published,
        sum(views)::bigint as views,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(engagements)::bigint as total_engagements
    from author_days
    group by category, author_id
),

final as (
    select
        category,
        rank() over (partition by category order by total_engagements desc) as category_rank,
        author_id,
        posts_published,
        views,
        likes,
        comments,
        shares,
        total_engagements,
        round(total_engagements::numeric / nullif(posts_published, 0), 2)
            as avg_engagement_per_post
    from per_author
)

select * from final
order by category, category_rank, author_id;

-- Authors against their category, post by post (posts are items whose page_create was
-- seen; a post's engagement is all it ever received). Volume is high at or above the
-- category's median number of posts per author, engagement is low below the category's
-- median engagement per post (both medians by percentile_cont). The opportunity score is
-- (category median - author's average engagement per post) x posts, computed exactly as
-- median x posts - engagements: what the author's posts would gain at the median.
create view author_opportunities as
with

items as (
    select * from content_items
    where published_at is not null
),

item_days as (
    select * from content_daily_activity
),

post_totals as (
    select
        content_id,
        sum(engagements)::bigint as engagements
    from item_days
    group by content_id
),

posts as (
    select
        items.content_id,
        items.author_id,
        items.category,
        coalesce(post_totals.engagements, 0) as engagements
    from items
    left join post_totals on items.content_id = post_totals.content_id
),

per_author as (
    select
        author_id,
        category,
        count(*) as posts,
        sum(engagements)::bigint as engagements
    from posts
    group by author_id, category
),

engagement_benchmarks as (
    select
        category,
        percentile_cont(0.5) within group (order by engagements)::numeric
            as median_engagement_per_post
    from posts
    group by category
),

volume_benchmarks as (
    select
        category,
        percentile_cont(0.5) within group (order by posts)::numeric as median_posts
    from per_author
    group by category
),

compared as (
    select
        per_author.author_id,
        per_author.category,
        per_author.posts,
        per_author.engagements,
        engagement_benchmarks.median_engagement_per_post,
        volume_benchmarks.median_posts,
        per_author.posts >= volume_benchmarks.median_posts as is_high_volume,
        per_author.engagements
        < engagement_benchmarks.median_engagement_per_post * per_author.posts
            as is_low_engagement
    from per_author
    inner join engagement_benchmarks on per_author.category = engagement_benchmarks.category
    inner join volume_benchmarks on per_author.category = volume_benchmarks.category
),

final as (
    select
        author_id,
        category,
        posts,
        engagements,
        round(engagements::numeric / posts, 2) as avg_engagement_per_post,
        median_engagement_per_post as category_median_engagement_per_post,
        median_posts as category_median_posts,
        case
            when is_high_volume and is_low_engagement then 'high volume, low engagement'
            when is_high_volume then 'high volume, high engagement'
            when is_low_engagement then 'low volume, low engagement'
            else 'low volume, high engagement'
        end as performance_segment,
        median_engagement_per_post * posts - engagements as opportunity_score
    from compared
)

select * from final;

-- Categories by engagement received, all time, with their top author.
create view category_stats as
with

author_days as (
    select * from author_category_daily_activity
),

per_author as (
    select
        category,
        author_id,
        sum(posts_published)::bigint as posts_published,
        sum(engagements)::bigint as engagements
    from author_days
    group by category, author_id
),

top_authors as (
    select distinct on (category)
        category,
        author_id as top_author_id,
        engagements as top_author_engagements
    from per_author
    order by category, engagements desc, author_id
),

per_category as (
    select
        category,
        count(*) as authors,
        sum(posts_published)::bigint as posts_published,
        sum(engagements)::bigint as total_engagements
    from per_author
    group by category
),

final as (
    select
        rank() over (order by per_category.total_engagements desc) as category_rank,
        per_category.category,
        per_category.authors,
        per_category.posts_published,
        per_category.total_engagements,
        round(
            per_category.total_engagements::numeric / nullif(per_category.posts_published, 0), 2
        ) as avg_engagement_per_post,
        top_authors.top_author_id,
        top_authors.top_author_engagements
    from per_category
    inner join top_authors on per_category.category = top_authors.category
)

select * from final
order by category_rank, category;

-- Funnel and sales ----------------------------------------------------------------

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

create view sales_weekly as
with

days as (
    select * from daily_sales
),

final as (
    select
        date_trunc('week', activity_date::timestamp)::date as week_start_date,
        currency,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue,
        round(sum(revenue) / nullif(sum(orders), 0), 2) as average_order_value
    from days
    group by 1, 2
)

select * from final;

create view sales_monthly as
with

days as (
    select * from daily_sales
),

final as (
    select
        date_trunc('month', activity_date::timestamp)::date as month_start_date,
        currency,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue,
        round(sum(revenue) / nullif(sum(orders), 0), 2) as average_order_value
    from days
    group by 1, 2
)

select * from final;

-- Products by units sold, all time, per currency; with the cart activity that led there.
create view product_popularity as
with

product_days as (
    select * from product_daily_sales
),

totals as (
    select
        product_id,
        currency,
        sum(cart_adds)::bigint as cart_adds,
        sum(cart_removes)::bigint as cart_removes,
        sum(orders)::bigint as orders,
        sum(units_sold)::bigint as units_sold,
        sum(revenue) as revenue
    from product_days
    group by product_id, currency
),

final as (
    select
        currency,
        rank() over (partition by currency order by units_sold desc) as popularity_rank,
        product_id,
        cart_adds,
        cart_removes,
        orders,
        units_sold,
        revenue,
        round(100.0 * orders / nullif(cart_adds, 0), 2) as cart_to_order_pct
    from totals
)

select * from final
order by currency, popularity_rank, product_id;

-- Star schema, for people used to that model ----------------------------------------

-- Actions: the event types with their engagement level.
create view dim_actions as
with

levels as (
    select * from event_types
),

final as (
    select
        event_type as action_type,
        engagement_level,
        engagement_rank,
        is_content_engagement
    from levels
)

select * from final;

-- Users, one row per SCD2 version: (user_id, valid_from) is the key.
create view dim_users as
with

history as (
    select * from user_history
),

activity as (
    select * from user_activity
),

final as (
    select
        history.user_id,
        history.valid_from,
        history.valid_to,
        history.is_current,
        history.device,
        history.country,
        history.city,
        activity.first_seen_at,
        activity.signed_up_at
    from history
    left join activity on history.user_id = activity.user_id
)

select * from final;

-- One row per fact, keyed to dim_users by (user_id, user_valid_from): the user version in
-- force when the action happened. Device and location are also kept on the fact as
-- degenerate dimensions (what the event itself said). Filter it (by time, by user):
-- the version lookup is one index probe per row.
create view fact_user_actions as
with

facts as (
    select * from events
),

final as (
    select
        facts.event_id,
        facts.occurred_at,
        facts.user_id,
        version.valid_from as user_valid_from,
        facts.event_type as action_type,
        facts.session_id,
        facts.device,
        facts.country,
        facts.city,
        facts.content_id,
        facts.product_id,
        facts.quantity,
        facts.unit_price,
        facts.currency
    from facts
    left join lateral (
        select history.valid_from
        from user_history as history
        where
            history.user_id = facts.user_id
            and history.valid_from <= facts.occurred_at
        order by history.valid_from desc
        limit 1
    ) as version on true
)

select * from final;
