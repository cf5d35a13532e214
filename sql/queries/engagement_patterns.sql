-- When content gets engagement: the busiest (UTC) weekday x hour slots, with each slot's
-- share of all engagement. Parameters: limit.
select
    weekday_name,
    hour_of_day,
    views,
    likes,
    comments,
    shares,
    total_engagements,
    share_of_total_pct
from engagement_by_weekday_hour
order by total_engagements desc, iso_weekday, hour_of_day
limit %(limit)s;
