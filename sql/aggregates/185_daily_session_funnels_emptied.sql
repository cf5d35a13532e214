-- Deletes the days of `daily_session_funnels` that `184_session_funnels` left without a
-- session (a late event made their only sessions start a day earlier), so that the table
-- is the same whatever order the events came in. A session only ever moves to an earlier
-- day, one no earlier than this batch's earliest event: only the days from there on are
-- read. A day another consumer added sessions to meanwhile is no longer empty when the
-- delete re-reads it, and stays.
with

batch_span as (
    select min((occurred_at at time zone 'UTC')::date) as first_date
    from inserted_events
)

delete from daily_session_funnels as days
using batch_span
where
    days.activity_date >= batch_span.first_date
    and days.sessions = 0;
