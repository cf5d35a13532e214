-- High-volume, low-engagement authors: who would gain most from coaching. The opportunity
-- score is (category median engagement per post - author's average) x posts.
-- Parameters: limit.
select
    author_id,
    category,
    posts,
    avg_engagement_per_post,
    category_median_engagement_per_post,
    round(opportunity_score, 1) as opportunity_score
from author_opportunities
where performance_segment = 'high volume, low engagement'
order by opportunity_score desc, author_id, category
limit %(limit)s;
