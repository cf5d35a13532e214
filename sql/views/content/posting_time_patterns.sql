-- When to post (seed 003's engagement patterns, asked as "when should we post?"): posts by
-- the UTC ISO weekday and hour of their publication (their page_create), with all the
-- engagement those posts have received, the average per post (total / posts) and the
-- slot's share of all the posts' engagement. Only slots where something was published.
-- Product pages ("Shop") take part only with include_shop.
create function posting_time_patterns(include_shop boolean default false)
returns table (
    iso_weekday integer,
    weekday_name text,
    hour_of_day integer,
    posts_published bigint,
    views bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    total_engagements bigint,
    avg_engagement_per_post numeric,
    share_of_total_pct numeric
)
language sql
stable
as $$
    with

    posts as (
        select
            extract(isodow from items.published_at at time zone 'UTC')::integer as iso_weekday,
            extract(hour from items.published_at at time zone 'UTC')::integer as hour_of_day,
            items.views,
            items.likes,
            items.comments,
            items.shares,
            items.engagements
        from content_items as items
        where
            items.published_at is not null
            and (posting_time_patterns.include_shop or not is_shop_category(items.category))
    ),

    per_slot as (
        select
            posts.iso_weekday,
            posts.hour_of_day,
            count(*) as posts_published,
            sum(posts.views)::bigint as views,
            sum(posts.likes)::bigint as likes,
            sum(posts.comments)::bigint as comments,
            sum(posts.shares)::bigint as shares,
            sum(posts.engagements)::bigint as total_engagements
        from posts
        group by posts.iso_weekday, posts.hour_of_day
    ),

    final as (
        select
            per_slot.iso_weekday,
            (array[
                'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
            ])[per_slot.iso_weekday] as weekday_name,
            per_slot.hour_of_day,
            per_slot.posts_published,
            per_slot.views,
            per_slot.likes,
            per_slot.comments,
            per_slot.shares,
            per_slot.total_engagements,
            round(per_slot.total_engagements::numeric / per_slot.posts_published, 2)
                as avg_engagement_per_post,
            round(
                100.0 * per_slot.total_engagements
                / nullif(sum(per_slot.total_engagements) over (), 0),
                2
            ) as share_of_total_pct
        from per_slot
    )

    select * from final
    order by iso_weekday, hour_of_day
$$;
