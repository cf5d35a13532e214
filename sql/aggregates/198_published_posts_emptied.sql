-- Deletes the rows of the post rollups that `197_published_posts` left without a post (a
-- late event moved the last one elsewhere), so that they are the same whatever order the
-- events came in. The partial indexes of migration 136 hold exactly those rows (none, most
-- of the time), so this reads nothing else; it runs only when the batch has content
-- events, under the lock of `196_content_rankings_lock`.
with

batch as (
    select exists (
        select from inserted_events
        where content_id is not null
    ) as has_content
),

emptied_slots as (
    delete from post_slot_activity
    where posts = 0 and (select has_content from batch)
)

delete from author_category_daily_posts
where posts = 0 and (select has_content from batch);
