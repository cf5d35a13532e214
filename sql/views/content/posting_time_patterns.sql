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

    slots as (
        -- The posts per category and slot of publication (`post_slot_activity`,
        -- migration 136): at most 7 x 24 rows per category.
        select
            slots.iso_weekday::integer as iso_weekday,
            slots.hour_of_day::integer as hour_of_day,
            slots.posts,
            slots.views,
            slots.likes,
            slots.comments,
            slots.shares,
            slots.engagements
        from post_slot_activity as slots
        where posting_time_patterns.include_shop or not is_shop_category(slots.category)
    ),

    per_slot as (
        select
            slots.iso_weekday,
            slots.hour_of_day,
            sum(slots.posts)::bigint as posts_published,
            sum(slots.views)::bigint as views,
            sum(slots.likes)::bigint as likes,
            sum(slots.comments)::bigint as comments,
            sum(slots.shares)::bigint as shares,
            sum(slots.engagements)::bigint as total_engagements
        from slots
        group by slots.iso_weekday, slots.hour_of_day
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
