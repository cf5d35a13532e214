-- When to post: the UTC weekday x hour slots of publication whose posts earned the most
-- engagement (seed 003's peak times), with the average per post (its "Avg Engagement per
-- Post") and each slot's share of all the posts' engagement; product pages ("Shop") only
-- with include_shop. Parameters: limit, include_shop.
select
    weekday_name,
    hour_of_day,
    posts_published,
    views,
    likes,
    comments,
    shares,
    total_engagements,
    avg_engagement_per_post,
    share_of_total_pct
from posting_time_patterns(%(include_shop)s)
order by total_engagements desc, avg_engagement_per_post desc, iso_weekday, hour_of_day
limit %(limit)s;
