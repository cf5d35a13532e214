-- Deletes the retention counts that `182_weekly_cohort_activity` brought down to 0 (a
-- late signup moved a cohort's only user of some week to an earlier cohort), so that the
-- table is the same whatever order the events came in. Such a row belongs to a cohort no
-- earlier than the week of this batch's earliest signup: only that range of the primary
-- key is read, and nothing at all when the batch has no signup. A count another consumer
-- raised meanwhile is no longer 0 when the delete re-reads it, and stays.
with

earliest_signup as (
    select min(occurred_at) as signed_up_at
    from inserted_events
    where event_type = 'signup'
)

delete from weekly_cohort_activity as counts
using earliest_signup
where
    counts.cohort_week_start_date
    >= date_trunc('week', earliest_signup.signed_up_at at time zone 'UTC')::date
    and counts.active_users = 0;
