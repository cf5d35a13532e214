-- Deletes the rollup rows that this batch brought down to 0, so that every table is the
-- same whatever order the events came in. Three rollups move counts rather than only add
-- them, each when a late event arrives:
--   * `active_user_days_by_gap` (180): a late day moves the user's next day to a shorter
--     gap. Such a row is on a day of this batch or one of the 30 days after it.
--   * `weekly_cohort_activity` (182): a late signup moves a user to an earlier cohort.
--     Such a row belongs to a cohort no earlier than the week of the batch's earliest
--     signup (none at all without a signup).
--   * `daily_session_funnels` (184): a late event makes a session start a day earlier.
--     Such a day is no earlier than the batch's earliest event.
-- One pass over the batch finds those bounds; only those ranges of the primary keys are
-- read. A count another consumer raised meanwhile is no longer 0 when the delete re-reads
-- it, and stays; a row at 0 is only ever this transaction's own (each batch deletes those
-- it makes), so no consumer waits for another here.
with

batch_span as (
    select
        min((occurred_at at time zone 'UTC')::date) as first_date,
        max((occurred_at at time zone 'UTC')::date) + 30 as last_date,
        min(occurred_at) filter (where event_type = 'signup') as first_signup_at
    from inserted_events
),

emptied_gaps as (
    delete from active_user_days_by_gap as counts
    using batch_span
    where
        counts.activity_date between batch_span.first_date and batch_span.last_date
        and counts.users = 0
),

emptied_cohort_weeks as (
    delete from weekly_cohort_activity as counts
    using batch_span
    where
        counts.cohort_week_start_date
        >= date_trunc('week', batch_span.first_signup_at at time zone 'UTC')::date
        and counts.active_users = 0
)

delete from daily_session_funnels as days
using batch_span
where
    days.activity_date >= batch_span.first_date
    and days.sessions = 0;
