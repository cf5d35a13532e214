-- Whether an author has ever been seen (published, or received engagement): an unknown
-- author is a 404, not two windows of zeros. Parameters: author_id.
select exists (
    select from author_category_daily_activity
    where author_id = %(author_id)s
) as author_exists;
