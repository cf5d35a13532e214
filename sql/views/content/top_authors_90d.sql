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

grant select on top_authors_90d to pulse_reader;
