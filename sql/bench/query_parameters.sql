-- Parameters of the example queries for the query benchmark, picked the way the tests
-- pick them: the most viewed post, the author with the most engagement, the user with
-- the longest device and location history, and the latest day with activity.
select
    (
        select content_id from content_items
        order by views desc, content_id
        limit 1
    ) as post_id,
    (
        select author_id from author_category_daily_activity
        group by author_id
        order by sum(engagements) desc, author_id
        limit 1
    ) as author_id,
    (
        select user_id from user_history
        group by user_id
        order by count(*) desc, user_id
        limit 1
    ) as user_id,
    (select max(activity_date) from user_daily_activity) as as_of;
