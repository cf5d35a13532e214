-- The view -> cart -> purchase funnel per UTC day without reading every session of the
-- period (issue 17): per day on which sessions started, how many did, and how many of
-- them reached each stage (stages nest, as in the view `funnel_daily`). The batch
-- statement that upserts `session_funnels` (sql/aggregates/184_session_funnels.sql) moves
-- a session's count when a late event makes it start on an earlier day or reach a stage.

create table daily_session_funnels (
    activity_date date primary key,
    -- No checks (counts > 0): PostgreSQL checks the row an upsert proposes, which can be
    -- a negative change, before it finds the stored row that the change applies to. A day
    -- whose sessions all moved to an earlier day is deleted by 190_emptied_rollup_rows.sql.
    sessions bigint not null,
    viewed_sessions bigint not null,
    carted_sessions bigint not null,
    purchased_sessions bigint not null
) with (fillfactor = 70);

-- The sessions stored before this migration.
insert into daily_session_funnels (
    activity_date,
    sessions,
    viewed_sessions,
    carted_sessions,
    purchased_sessions
)
select
    (started_at at time zone 'UTC')::date as activity_date,
    count(*) as sessions,
    count(*) filter (where has_viewed) as viewed_sessions,
    count(*) filter (where has_viewed and has_added_to_cart) as carted_sessions,
    count(*) filter (where has_viewed and has_added_to_cart and has_purchased)
        as purchased_sessions
from session_funnels
group by 1
order by 1;

-- Only funnel_conversion.sql read sessions by start time; the per-day counts serve it now,
-- and each new session no longer pays for an index entry.
drop index session_funnels_started_at;

-- The batch adds to a day's counts and deletes a day left without sessions; readers read
-- them (the view `funnel_daily`).
grant select, insert, update, delete on daily_session_funnels to pulse_writer;
grant select on daily_session_funnels to pulse_reader;
