-- Top authors and the coaching opportunities read the posts published in the last 90 days
-- (seed 003 counts an author's posts of the period with their engagement): a range on
-- publication time. Items whose page_create was not seen are not posts and stay out.
create index content_items_published_at on content_items (published_at)
where published_at is not null;
