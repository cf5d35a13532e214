-- Authors against their category over the posts they published in the last 90 UTC days
-- (today included), as seed 003's volume_vs_engagement.sql defines it. A post's engagement
-- is all it has received; an author's average is engagements / posts. The category median
-- and 75th percentile are taken over the authors' averages (percentile_cont, one value per
-- author, not per post). Segments, with the seed's fixed volume thresholds: 10 posts or
-- more and below the median is "high volume, low engagement"; 10 or more at or above the
-- 75th percentile "high volume, high engagement"; fewer than 5 at or above it "low volume,
-- high quality"; anyone else "average". The opportunity score is
-- (category median - author's average) x posts for "high volume, low engagement", else 0:
-- what the author's posts would gain at the median. The interaction rate is the seed's
-- engagement_rate_pct: (likes + comments + shares) / views x 100 over the author's posts.
-- The seed rounds the average to 2
-- decimals before using it and the score to a whole number; here both are exact and the
-- score is rounded to 2 decimals at the end. Pulse has no author home category yet, so
-- an author is compared within each category they publish in.
create view author_opportunities as
with

posts as (
    -- The posts per day of publication, author and category (`author_category_daily_posts`,
    -- migration 136), each day's row with its posts' engagement.
    select
        author_id,
        category,
        posts,
        views,
        likes + comments + shares as interactions,
        engagements
    from author_category_daily_posts
    where published_date >= (now() at time zone 'UTC')::date - 89
),

per_author as (
    select
        author_id,
        category,
        sum(posts)::bigint as posts,
        sum(views)::bigint as views,
        sum(interactions)::bigint as interactions,
        sum(engagements)::bigint as engagements,
        sum(engagements)::double precision / sum(posts) as average
    from posts
    group by author_id, category
),

benchmarks as (
    select
        category,
        percentile_cont(0.5) within group (order by average) as median_average,
        percentile_cont(0.75) within group (order by average) as p75_average
    from per_author
    group by category
),

compared as (
    select
        per_author.author_id,
        per_author.category,
        per_author.posts,
        per_author.views,
        per_author.interactions,
        per_author.engagements,
        benchmarks.median_average,
        benchmarks.p75_average,
        case
            when per_author.posts >= 10 and per_author.average < benchmarks.median_average
                then 'high volume, low engagement'
            when per_author.posts >= 10 and per_author.average >= benchmarks.p75_average
                then 'high volume, high engagement'
            when per_author.posts < 5 and per_author.average >= benchmarks.p75_average
                then 'low volume, high quality'
            else 'average'
        end as performance_segment
    from per_author
    inner join benchmarks on per_author.category = benchmarks.category
),

final as (
    select
        author_id,
        category,
        is_shop_category(category) as is_shop_category,
        posts,
        engagements,
        round(engagements::numeric / posts, 2) as avg_engagement_per_post,
        round(100.0 * interactions / nullif(views, 0), 2) as interaction_rate_pct,
        round(median_average::numeric, 2) as category_median_engagement_per_post,
        round(p75_average::numeric, 2) as category_p75_engagement_per_post,
        performance_segment,
        case
            when performance_segment = 'high volume, low engagement'
                then round(median_average::numeric * posts - engagements, 2)
            else 0
        end as opportunity_score
    from compared
)

select * from final;

grant select on author_opportunities to pulse_reader;
