-- Users dimension, SCD type 2 (see migration 012). For every user in the batch, the
-- history from the user's earliest new event on is rebuilt from the stored events:
--   1. the version in force just before that instant (the seed) is kept; only its end
--      may move;
--   2. the user's events from that instant on (the new ones included; in time order, one
--      per instant) are walked, and every change of (device, country, city) starts a
--      version;
--   3. stored versions starting at or after that instant that are not in the new set are
--      deleted, and the new set is upserted (an unchanged seed is left alone).
-- For in-order traffic the tail is just the batch's own events; a late event rebuilds the
-- tail after it only. Most users need nothing at all: when every new event of a user
-- falls inside the current version and carries its attributes, the history cannot change
-- (all stored observations since that version began carry them too), so those users are
-- left out before any stored event is read. `010_user_activity` has locked these users
-- already (so no other transaction rebuilds them concurrently), and rows are written in
-- (user_id, valid_from) order.
with

new_observations as (
    select
        user_id,
        min(occurred_at) as rebuild_from_at,
        min(device) as device,
        min(country) as country,
        min(city) as city,
        min(device) = max(device)
        and min(country) = max(country)
        and min(city) = max(city) as one_profile
    from inserted_events
    group by user_id
),

batch_users as (
    select
        new_observations.user_id,
        new_observations.rebuild_from_at
    from new_observations
    where not (
        new_observations.one_profile
        and exists (
            select 1
            from user_history as current_version
            where
                current_version.user_id = new_observations.user_id
                and current_version.is_current
                and current_version.valid_from < new_observations.rebuild_from_at
                and current_version.device = new_observations.device
                and current_version.country = new_observations.country
                and current_version.city = new_observations.city
        )
    )
),

seeds as (
    select
        batch_users.user_id,
        seed.valid_from as observed_at,
        seed.device,
        seed.country,
        seed.city,
        true as is_seed,
        seed.valid_to as stored_valid_to
    from batch_users
    inner join lateral (
        select
            history.valid_from,
            history.valid_to,
            history.device,
            history.country,
            history.city
        from user_history as history
        where
            history.user_id = batch_users.user_id
            and history.valid_from < batch_users.rebuild_from_at
        order by history.valid_from desc
        limit 1
    ) as seed on true
),

observations as (
    select distinct on (stored_events.user_id, stored_events.occurred_at)
        stored_events.user_id,
        stored_events.occurred_at as observed_at,
        stored_events.device,
        stored_events.country,
        stored_events.city,
        false as is_seed,
        null::timestamptz as stored_valid_to
    from batch_users
    inner join events as stored_events
        on
            batch_users.user_id = stored_events.user_id
            and stored_events.occurred_at >= batch_users.rebuild_from_at
    order by stored_events.user_id, stored_events.occurred_at, stored_events.event_id desc
),

timeline as (
    select * from seeds
    union all
    select * from observations
),

compared as (
    select
        *,
        lag(device) over by_time as previous_device,
        lag(country) over by_time as previous_country,
        lag(city) over by_time as previous_city
    from timeline
    window by_time as (partition by user_id order by observed_at)
),

version_starts as (
    select
        user_id,
        observed_at as valid_from,
        device,
        country,
        city,
        is_seed,
        stored_valid_to
    from compared
    where
        previous_device is null
        or (device, country, city)
        is distinct from (previous_device, previous_country, previous_city)
),

new_versions as (
    select
        user_id,
        valid_from,
        lead(valid_from) over (partition by user_id order by valid_from) as valid_to,
        device,
        country,
        city,
        is_seed,
        stored_valid_to
    from version_starts
),

stale_versions as (
    select later.row_id
    from batch_users
    inner join lateral (
        -- offset 0 keeps this a per-user index probe: flattened into a join, the
        -- planner may hash the whole history table instead.
        select
            history.ctid as row_id,
            history.valid_from
        from user_history as history
        where
            history.user_id = batch_users.user_id
            and history.valid_from >= batch_users.rebuild_from_at
        offset 0
    ) as later on true
    where not exists (
        select 1
        from new_versions
        where
            new_versions.user_id = batch_users.user_id
            and new_versions.valid_from = later.valid_from
    )
),

-- By physical row id: the rows were read in this statement, and nothing else can change
-- them (their users are locked); a join on the key could hash the whole table.
superseded as (
    delete from user_history
    where ctid = any(array(select row_id from stale_versions))
)

insert into user_history as stored (
    user_id,
    valid_from,
    valid_to,
    is_current,
    device,
    country,
    city
)
select
    user_id,
    valid_from,
    valid_to,
    valid_to is null as is_current,
    device,
    country,
    city
from new_versions
where not (is_seed and valid_to is not distinct from stored_valid_to)
order by user_id, valid_from
on conflict (user_id, valid_from) do update set
    valid_to = excluded.valid_to,
    is_current = excluded.is_current,
    device = excluded.device,
    country = excluded.country,
    city = excluded.city
where
    (stored.valid_to, stored.device, stored.country, stored.city)
    is distinct from (excluded.valid_to, excluded.device, excluded.country, excluded.city);
