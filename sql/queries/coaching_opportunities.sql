-- High-volume, low-engagement authors over the posts of the last 90 days: who would gain
-- most from coaching (seed 003's volume_vs_engagement.sql). The opportunity score is
-- (category median of the authors' average engagement per post - author's average) x
-- posts. Product pages ("Shop") count only with include_shop.
-- Parameters: limit, include_shop.
select
    author_id,
    category,
    posts,
    avg_engagement_per_post,
    interaction_rate_pct,
    category_median_engagement_per_post,
    opportunity_score
from author_opportunities
where
    performance_segment = 'high volume, low engagement'
    and (%(include_shop)s or not is_shop_category)
order by opportunity_score desc, author_id, category
limit %(limit)s;
