-- Drift of `user_history`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
-- A user whose history starts before the retained facts (FACTS_RETENTION_DAYS dropped the
-- events that proved its first versions) is history: none of their versions is compared
-- (sql/reconcile/history/). An event older than the retained facts that arrived after the
-- drop is not part of anyone's history (sql/aggregates/020_user_history.sql).
with

retention as (
    select retained_from from facts_retention
),

history as (
    select user_id
    from user_history
    group by user_id
    having min(valid_from) < (select retained_from from retention)
),

stored as (
    select
        user_id,
        valid_from,
        valid_to,
        is_current,
        device,
        country,
        city
    from user_history
    where not exists (select from history where history.user_id = user_history.user_id)
),

-- One observation per user per instant: the event with the greatest event_id.
observations as (
    select distinct on (user_id, occurred_at)
        user_id,
        occurred_at,
        device,
        country,
        city
    from events
    where
        occurred_at >= (select retained_from from retention)
        and not exists (select from history where history.user_id = events.user_id)
    order by user_id, occurred_at, event_id desc
),

compared as (
    select
        *,
        lag(device) over by_time as previous_device,
        lag(country) over by_time as previous_country,
        lag(city) over by_time as previous_city
    from observations
    window by_time as (partition by user_id order by occurred_at)
),

version_starts as (
    select
        user_id,
        occurred_at as valid_from,
        device,
        country,
        city
    from compared
    where
        previous_device is null
        or (device, country, city)
        is distinct from (previous_device, previous_country, previous_city)
),

recomputed as (
    select
        user_id,
        valid_from,
        lead(valid_from) over (partition by user_id order by valid_from) as valid_to,
        lead(valid_from) over (partition by user_id order by valid_from) is null as is_current,
        device,
        country,
        city
    from version_starts
),

stored_only as (
    select * from stored
    except
    select * from recomputed
),

recomputed_only as (
    select * from recomputed
    except
    select * from stored
),

final as (
    select
        'stored only' as side,
        stored_only.*
    from stored_only
    union all
    select
        'recomputed only' as side,
        recomputed_only.*
    from recomputed_only
)

select * from final;
