-- Creates the weekly partitions of `events` (migration 120) for these week starts (Mondays
-- 00:00 UTC), skipping the ones that exist and the weeks older than the retained facts
-- (their events go to events_default until retention removes them). Rows of a new week
-- found in events_default are moved into its partition. Returns how many it created.
-- Security definer: the consumer's role owns nothing and may not create tables, but may
-- call this (consumer/store/partitions.py, just before a batch holding a week it has not
-- seen; consumer/retention/, for the weeks ahead).
--
-- ATTACH rather than CREATE ... PARTITION OF: attaching takes SHARE UPDATE EXCLUSIVE on
-- `events`, which neither readers nor writers conflict with, where creating takes ACCESS
-- EXCLUSIVE and would queue every batch behind any long reader. Both lock events_default
-- exclusively (its implicit bound changes), hence the lock timeout: a caller that cannot
-- get it in time gets SQLSTATE 55P03 and tries again later.
create function create_event_partitions(week_starts timestamptz [])
returns integer
language plpgsql
security definer
set search_path = pg_catalog, public
set timezone = 'UTC'
set lock_timeout = '1s'
as $$
declare
    week_start timestamptz;
    week_end timestamptz;
    partition_name text;
    kept_from timestamptz;
    created integer := 0;
begin
    -- One creator at a time, and never while retention drops partitions.
    perform pg_advisory_xact_lock(5788616816578265091);
    select retained_from into kept_from from public.facts_retention;
    for week_start in
        select distinct week from unnest(week_starts) as week where week is not null order by 1
    loop
        if week_start <> date_trunc('week', week_start, 'UTC') then
            raise exception 'create_event_partitions: % is not a Monday 00:00 UTC', week_start
                using errcode = 'invalid_parameter_value';
        end if;
        continue when week_start < kept_from;
        partition_name := 'events_p' || to_char(week_start, 'YYYYMMDD');
        continue when to_regclass('public.' || partition_name) is not null;
        week_end := week_start + interval '7 days';
        lock table public.events_default in access exclusive mode;
        -- Everything the partitions share: a check constraint someone added to `events`
        -- (ATTACH refuses a table without it), storage and statistics settings, and the
        -- indexes, which ATTACH then takes as the partition's own.
        execute format('create table public.%I (like public.events including all)', partition_name);
        execute format(
            'with moved as (delete from public.events_default'
            ' where occurred_at >= $1 and occurred_at < $2 returning *)'
            ' insert into public.%I select * from moved',
            partition_name
        ) using week_start, week_end;
        execute format(
            'alter table public.events attach partition public.%I for values from (%L) to (%L)',
            partition_name, week_start, week_end
        );
        created := created + 1;
    end loop;
    return created;
end
$$;

revoke all on function create_event_partitions(timestamptz []) from public;
grant execute on function create_event_partitions(timestamptz []) to pulse_writer;
