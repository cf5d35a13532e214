-- The active users of each UTC day counted by days since each one's previous active day,
-- capped at 30 (migration 130 says why that gives exact DAU, WAU and MAU).
--
-- The batch's user-days go into `user_active_days`; the ones that were not there yet
-- (`returning`) are the new active days. Adding a day t to a user's days changes two
-- gaps only: t's own, and that of the user's next active day after t, if it lies within
-- 30 days (further away, its gap stays "30 or more"). So the user's stored days from the
-- last one before the first new day (within 30 days) to 30 days after the last new day
-- are read, every gap in that span is computed once without and once with the new days,
-- and the difference is added to the counts. The stored days are read in the same
-- statement as the insert, so they are the days before this batch.
-- `010_user_activity` has locked the batch's users, so no other transaction adds days to
-- them meanwhile. The per-gap rows of a day are few and hot (every batch adds to today's),
-- which is why this runs late in the batch; rows go in key order (no deadlocks).
with

batch_days as (
    select
        user_id,
        (occurred_at at time zone 'UTC')::date as activity_date
    from inserted_events
    group by 1, 2
),

new_days as (
    insert into user_active_days (user_id, activity_date)
    select
        user_id,
        activity_date
    from batch_days
    order by user_id, activity_date
    on conflict (user_id, activity_date) do nothing
    returning user_id, activity_date
),

spans as (
    select
        user_id,
        min(activity_date) as first_date,
        max(activity_date) + 30 as last_date
    from new_days
    group by user_id
),

stored_days as (
    -- The user's latest day before the first new one (its gap is the same with and without
    -- the new days: only the days after it can change) ...
    select
        spans.user_id,
        previous.activity_date
    from spans
    inner join lateral (
        select days.activity_date
        from user_active_days as days
        where
            days.user_id = spans.user_id
            and days.activity_date < spans.first_date
            and days.activity_date >= spans.first_date - 30
        order by days.activity_date desc
        limit 1
    ) as previous on true
    union all
    -- ... and the days from the first new one to 30 days after the last.
    select
        spans.user_id,
        later.activity_date
    from spans
    inner join lateral (
        -- offset 0 keeps this a per-user index range scan: flattened into a join, the
        -- planner may read the whole table instead.
        select days.activity_date
        from user_active_days as days
        where
            days.user_id = spans.user_id
            and days.activity_date between spans.first_date and spans.last_date
        offset 0
    ) as later on true
),

days_after as (
    select
        user_id,
        activity_date
    from stored_days
    union all
    select
        user_id,
        activity_date
    from new_days
),

-- The first day of a span has its previous day outside it (the gap then reads 30): it
-- does so on both sides alike, and no new day lies before it.
gaps_before as (
    select
        activity_date,
        coalesce(least(activity_date - lag(activity_date) over by_user, 30), 30)
            as days_since_previous
    from stored_days
    window by_user as (partition by user_id order by activity_date)
),

gaps_after as (
    select
        activity_date,
        coalesce(least(activity_date - lag(activity_date) over by_user, 30), 30)
            as days_since_previous
    from days_after
    window by_user as (partition by user_id order by activity_date)
),

changes as (
    select
        activity_date,
        days_since_previous,
        1 as users
    from gaps_after
    union all
    select
        activity_date,
        days_since_previous,
        -1 as users
    from gaps_before
),

per_gap as (
    select
        activity_date,
        days_since_previous,
        sum(users) as users
    from changes
    group by activity_date, days_since_previous
    having sum(users) <> 0
)

insert into active_user_days_by_gap as stored (activity_date, days_since_previous, users)
select
    activity_date,
    days_since_previous,
    users
from per_gap
order by activity_date, days_since_previous
on conflict (activity_date, days_since_previous) do update set
    users = stored.users + excluded.users;
