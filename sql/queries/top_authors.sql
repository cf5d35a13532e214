-- Top authors per category over the last 90 days, by engagement received.
-- Parameters: per_category (how many authors per category).
select
    category,
    category_rank,
    author_id,
    posts_published,
    views,
    likes,
    comments,
    shares,
    total_engagements,
    avg_engagement_per_post
from top_authors_90d
where category_rank <= %(per_category)s
order by category, category_rank, author_id;
