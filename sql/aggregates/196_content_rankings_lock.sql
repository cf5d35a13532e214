-- Takes the transaction's turn at the content rankings, when the batch has content events:
-- the rollups of posts (`197_published_posts`, `198_published_posts_emptied`) and the
-- leaderboard of pages (`199_content_leaders`). One consumer at a time updates them, each
-- seeing them as the one before left it (the next statements start after this lock is
-- granted, so their snapshots hold that commit): the attributions they read are current,
-- the rows they bring to 0 are theirs to delete, and the board stays exactly the leaders
-- whatever runs in parallel. It is held from here to the commit, at the very end of the
-- batch, and is taken after every row lock of the batch's other statements, so no
-- consumer waiting for it holds a row another needs.
select pg_advisory_xact_lock(hashtext('pulse.content_rankings'))
where exists (
    select from inserted_events
    where content_id is not null
);
