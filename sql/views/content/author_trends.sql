-- An author's last 7 and last 30 UTC days up to `as_of` (included), against the period
-- of the same length just before: posts published, engagement received, and the change.
create function author_trends(
    author_id text,
    as_of date default (now() at time zone 'UTC')::date
)
returns table (
    window_days integer,
    period_start_date date,
    period_end_date date,
    posts_published bigint,
    total_engagements bigint,
    avg_engagement_per_post numeric,
    previous_total_engagements bigint,
    engagement_change_pct numeric
)
language sql
stable
as $$
    with

    author_days as (
        select * from author_category_daily_activity as activity
        where
            activity.author_id = author_trends.author_id
            and activity.activity_date > author_trends.as_of - 60
            and activity.activity_date <= author_trends.as_of
    ),

    windows as (
        select size as window_days
        from (values (7), (30)) as sizes (size)
    ),

    per_window as (
        select
            windows.window_days,
            coalesce(sum(author_days.posts_published) filter (
                where author_days.activity_date > author_trends.as_of - windows.window_days
            ), 0)::bigint as posts_published,
            coalesce(sum(author_days.engagements) filter (
                where author_days.activity_date > author_trends.as_of - windows.window_days
            ), 0)::bigint as total_engagements,
            coalesce(sum(author_days.engagements) filter (
                where author_days.activity_date <= author_trends.as_of - windows.window_days
                and author_days.activity_date > author_trends.as_of - 2 * windows.window_days
            ), 0)::bigint as previous_total_engagements
        from windows
        left join author_days on true
        group by windows.window_days
    ),

    final as (
        select
            window_days,
            author_trends.as_of - window_days + 1 as period_start_date,
            author_trends.as_of as period_end_date,
            posts_published,
            total_engagements,
            round(total_engagements::numeric / nullif(posts_published, 0), 2)
                as avg_engagement_per_post,
            previous_total_engagements,
            round(
                100.0 * (total_engagements - previous_total_engagements)
                / nullif(previous_total_engagements, 0),
                2
            ) as engagement_change_pct
        from per_window
    )

    select * from final
    order by window_days
$$;
