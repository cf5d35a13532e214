-- Deletes the per-gap counts of active users that `180_user_active_days` brought down to
-- 0 (a late day moved a user from one gap to another), so that the table is the same
-- whatever order the events came in. Such a row belongs to a day of this batch or to one
-- of the 30 days after it: only that range of the primary key is read. A count another
-- consumer raised meanwhile is no longer 0 when the delete re-reads it, and stays.
with

batch_span as (
    select
        min((occurred_at at time zone 'UTC')::date) as first_date,
        max((occurred_at at time zone 'UTC')::date) + 30 as last_date
    from inserted_events
)

delete from active_user_days_by_gap as counts
using batch_span
where
    counts.activity_date between batch_span.first_date and batch_span.last_date
    and counts.users = 0;
