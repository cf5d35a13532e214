-- The ten most viewed pages of the last hour, with their author and category.
select
    content_id,
    author_id,
    category,
    count(*) as views
from events
where
    event_type = 'page_view'
    and occurred_at >= now() - interval '1 hour'
group by content_id, author_id, category
order by views desc
limit 10;
