-- Authors against their category, post by post (posts are items whose page_create was
-- seen; a post's engagement is all it ever received). Volume is high at or above the
-- category's median number of posts per author, engagement is low below the category's
-- median engagement per post (both medians by percentile_cont). The opportunity score is
-- (category median - author's average engagement per post) x posts, computed exactly as
-- median x posts - engagements: what the author's posts would gain at the median.
create view author_opportunities as
with

posts as (
    select
        content_id,
        author_id,
        category,
        engagements
    from content_items
    where published_at is not null
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

grant select on author_opportunities to pulse_reader;
