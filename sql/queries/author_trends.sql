-- An author's last 7 and 30 days against the period before. Parameters: author_id.
select * from author_trends(%(author_id)s);
