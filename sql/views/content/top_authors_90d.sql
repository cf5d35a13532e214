-- Top authors per category over the posts published in the last 90 UTC days (today
-- included), as seed 003's top_authors.sql counts them: each author's posts of the period
-- with all the engagement those posts received (so the average per post is over the same
-- posts as the engagement), ranked within the post's category by that engagement. As in
-- the seed's table, an author is shown with their name and home category (from the
-- catalog's current rows; null until it delivered them) against `category`, the posts'
-- category (the seed's "Segment Category").
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

authors as (
    select * from dim_author_current
),

final as (
    select
        per_author.category,
        rank() over (
            partition by per_author.category order by per_author.total_engagements desc
        ) as category_rank,
        per_author.author_id,
        per_author.posts_published,
        per_author.views,
        per_author.likes,
        per_author.comments,
        per_author.shares,
        per_author.total_engagements,
        round(
            per_author.total_engagements::numeric / per_author.posts_published, 2
        ) as avg_engagement_per_post,
        is_shop_category(per_author.category) as is_shop_category,
        authors.author_name,
        authors.home_category
    from per_author
    left join authors on per_author.author_id = authors.author_id
)

select * from final
order by category, category_rank, author_id;

grant select on top_authors_90d to pulse_reader;
