-- Engagement of one post: views, likes, comments, shares, total, engagement rate.
-- No row if the post was never seen.
create function post_engagement(post_id text)
returns setof post_engagement_stats
language sql
stable
as $$
    select *
    from post_engagement_stats as stats
    where stats.post_id = post_engagement.post_id
$$;
