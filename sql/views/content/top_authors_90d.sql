-- Top authors per category over the posts published in the last 90 UTC days (today
-- included), as seed 003's top_authors.sql counts them: each author's posts of the period
-- with all the engagement those posts received (so the average per post is over the same
-- posts as the engagement), ranked within the post's category by that engagement.
create view top_authors_90d as
with

posts as (
    -- The posts per day of publication, author and category (`author_category_daily_posts`,
    -- migration 136), each day's row with its posts' engagement.
    select * from author_category_daily_posts
    where published_date >= (now() at time zone 'UTC')::date - 89
),

per_author as (
    select
        category,
        author_id,
        sum(posts)::bigint as posts_published,
        sum(views)::bigint as views,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(engagements)::bigint as total_engagements
    from posts
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
        round(total_engagements::numeric / posts_published, 2) as avg_engagement_per_post,
        is_shop_category(category) as is_shop_category
    from per_author
)

select * from final
order by category, category_rank, author_id;

grant select on top_authors_90d to pulse_reader;
