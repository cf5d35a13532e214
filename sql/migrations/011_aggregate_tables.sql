-- Aggregates maintained incrementally: every batch transaction upserts into them from
-- the facts it actually inserted (`sql/aggregates/*.sql`), so each row always equals a
-- recomputation from `events` (`python -m consumer reconcile` checks exactly that).
--
-- Conventions: buckets are event time in UTC (`occurred_at`, never ingestion time);
-- counts only grow by addition, first/last times by least/greatest and flags by OR, so
-- the order in which batches commit does not matter. Primary keys lead with the column
-- that new data clusters on (time where possible), which keeps the upserted index pages
-- hot. Tables whose rows are updated many times keep free space per page (fillfactor),
-- so the updates stay HOT (no new index entries).

-- Action trends and the rolling live counters.
create table event_counts_per_minute (
    minute_at timestamptz not null,
    event_type text not null,
    event_count bigint not null,
    primary key (minute_at, event_type)
) with (fillfactor = 80);

create table event_counts_per_hour (
    hour_at timestamptz not null,
    event_type text not null,
    event_count bigint not null,
    primary key (hour_at, event_type)
) with (fillfactor = 80);

-- Engagement patterns: when (UTC) users act.
create table weekday_hour_activity (
    iso_weekday smallint not null check (iso_weekday between 1 and 7),  -- 1 = Monday
    hour_of_day smallint not null check (hour_of_day between 0 and 23),
    event_type text not null,
    event_count bigint not null,
    primary key (iso_weekday, hour_of_day, event_type)
) with (fillfactor = 70);

-- Per user per day by type: DAU / MAU, top users over a period.
create table user_daily_activity (
    activity_date date not null,
    user_id text not null,
    event_type text not null,
    event_count bigint not null,
    primary key (activity_date, user_id, event_type)
) with (fillfactor = 90);

-- Per user overall. The most frequent engagement level is derived (view
-- `user_engagement`) from the per-level counts, which, unlike a "current top level",
-- can be maintained by addition.
create table user_activity (
    user_id text primary key,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    signed_up_at timestamptz,  -- earliest signup event; null if none was seen
    action_count bigint not null,
    high_engagement_actions bigint not null,
    medium_engagement_actions bigint not null,
    low_engagement_actions bigint not null
) with (fillfactor = 80);

-- The "compressed weekly summary" of the retention seed: one row per user per ISO week,
-- daily_counts[1] is Monday (UTC) and daily_counts[7] Sunday.
create table user_weekly_activity (
    week_start_date date not null,
    user_id text not null,
    daily_counts integer[] not null check (cardinality(daily_counts) = 7),
    primary key (week_start_date, user_id)
) with (fillfactor = 80);

-- The funnel of each session (sessions are per user: (user_id, session_id) is the key).
-- A session belongs to the UTC day of its first event.
create table session_funnels (
    user_id text not null,
    session_id text not null,
    started_at timestamptz not null,
    ended_at timestamptz not null,
    event_count bigint not null,
    has_viewed boolean not null,
    has_added_to_cart boolean not null,
    has_purchased boolean not null,
    primary key (user_id, session_id)
) with (fillfactor = 80);

create index session_funnels_started_at on session_funnels (started_at);

-- Content seen in events. Author and category come from the earliest event of the item
-- (ties broken by event_id), so they do not depend on arrival order.
create table content_items (
    content_id text primary key,
    author_id text not null,
    category text not null,
    published_at timestamptz,  -- earliest page_create; null if its creation was not seen
    first_seen_at timestamptz not null,
    first_event_id uuid not null
) with (fillfactor = 90);

-- Per content item per day. `engagements` counts the event types flagged
-- `is_content_engagement` in `event_types` (views, likes, comments, shares).
create table content_daily_activity (
    content_id text not null,
    activity_date date not null,
    views bigint not null,
    clicks bigint not null,
    likes bigint not null,
    comments bigint not null,
    shares bigint not null,
    edits bigint not null,
    creates bigint not null,
    engagements bigint not null,
    primary key (content_id, activity_date)
) with (fillfactor = 80);

-- Per author per category per day: posts published (page_create) and the engagement
-- their content received, attributed by the engagement event's own author and category.
create table author_category_daily_activity (
    author_id text not null,
    category text not null,
    activity_date date not null,
    posts_published bigint not null,
    views bigint not null,
    likes bigint not null,
    comments bigint not null,
    shares bigint not null,
    engagements bigint not null,
    primary key (author_id, category, activity_date)
) with (fillfactor = 80);

-- Per product per day. One purchase event is one order of one product; revenue is
-- quantity x unit_price, exact. Currencies are never added together.
create table product_daily_sales (
    product_id text not null,
    activity_date date not null,
    currency text not null,
    cart_adds bigint not null,
    cart_removes bigint not null,
    orders bigint not null,
    units_sold bigint not null,
    revenue numeric(20, 2) not null,
    primary key (product_id, activity_date, currency)
) with (fillfactor = 80);

create table daily_sales (
    activity_date date not null,
    currency text not null,
    orders bigint not null,
    units_sold bigint not null,
    revenue numeric(20, 2) not null,
    primary key (activity_date, currency)
) with (fillfactor = 70);
