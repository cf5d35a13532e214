-- What happened in the last five minutes, by event type.
select
    event_type,
    count(*) as events,
    count(distinct user_id) as users
from events
where occurred_at >= now() - interval '5 minutes'
group by event_type
order by events desc;
