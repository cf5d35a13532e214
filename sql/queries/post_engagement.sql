-- Engagement of one post: views, likes, comments, shares, total and engagement rate
-- (interactions per 100 views). Parameters: post_id.
select * from post_engagement(%(post_id)s);
