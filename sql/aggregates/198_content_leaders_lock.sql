-- Takes the transaction's turn at the content leaderboard (`199_content_leaders`), when
-- the batch has content events: one consumer at a time ranks it, each seeing the board
-- as the one before left it (the next statement starts after this lock is granted, so its
-- snapshot holds their commit), which keeps the board exactly the leaders whatever runs
-- in parallel. It is held from here to the commit, at the very end of the batch, and is
-- taken after every row lock of the batch's other statements, so no consumer waiting for
-- it holds a row another needs.
select pg_advisory_xact_lock(hashtext('pulse.content_leaders'))
where exists (
    select from inserted_events
    where content_id is not null
);
