-- Retention (FACTS_RETENTION_DAYS, migration 120): drops the weekly partitions of `events`
-- that end at or before the start of the week holding `cutoff`, and the facts of
-- events_default older than that; records the dropped facts per Kafka partition and event
-- type in dropped_facts (the offset ledger still counts them) and moves
-- facts_retention.retained_from forward. All in one transaction, under an exclusive lock of
-- `events`: batches wait for it (the drop is a catalog change, the counting one scan of the
-- dropped weeks), and no batch sees the facts gone without the counts, or the reverse.
-- Returns one row per emptied table with the facts it held; nothing when nothing is that
-- old. The aggregates are separate tables and are not touched. The keys of the dropped
-- facts are pruned afterwards by prune_event_ids, without that lock. Security definer: the
-- consumer's role may call it, not drop a table.
create function drop_event_partitions_before(cutoff timestamptz)
returns table (table_name text, facts bigint)
language plpgsql
security definer
set search_path = pg_catalog, public
set timezone = 'UTC'
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    kept_from timestamptz;
    expired text [];
    expired_name text;
begin
    perform pg_advisory_xact_lock(5788616816578265091);
    select greatest(retained_from, date_trunc('week', cutoff, 'UTC'))
    into kept_from
    from public.facts_retention;
    expired := array(
        select child.relname::text
        from pg_inherits as inheritance
        inner join pg_class as child on inheritance.inhrelid = child.oid
        where
            inheritance.inhparent = 'public.events'::regclass
            and child.relname ~ '^events_p[0-9]{8}$'
            and to_date(substr(child.relname, 9), 'YYYYMMDD') + 7 <= kept_from::date
        order by 1
    );
    if
        cardinality(expired) = 0
        and kept_from = (select retained_from from public.facts_retention)
        and not exists (select from public.events_default where occurred_at < kept_from)
    then
        return;
    end if;
    lock table public.events in access exclusive mode;
    return query
    with

    counted as (
        select
            tableoid::regclass::text as table_name,
            source_topic,
            source_partition,
            event_type,
            count(*) as facts
        from public.events
        where occurred_at < kept_from
        group by 1, 2, 3, 4
    ),

    recorded as (
        insert into public.dropped_facts as stored (
            source_topic, source_partition, event_type, facts
        )
        select
            source_topic,
            source_partition,
            event_type,
            sum(facts)
        from counted
        group by 1, 2, 3
        order by 1, 2, 3
        on conflict (source_topic, source_partition, event_type) do update set
            facts = stored.facts + excluded.facts
    ),

    emptied as (
        select unnest(expired) as table_name
        union
        select table_name from counted
    )

    select
        emptied.table_name,
        coalesce(sum(counted.facts), 0)::bigint as facts
    from emptied
    left join counted on emptied.table_name = counted.table_name
    group by emptied.table_name
    order by emptied.table_name;

    foreach expired_name in array expired loop
        execute format('drop table public.%I', expired_name);
    end loop;
    delete from public.events_default where occurred_at < kept_from;
    update public.facts_retention set retained_from = kept_from, dropped_at = now();
end
$$;

revoke all on function drop_event_partitions_before(timestamptz) from public;
grant execute on function drop_event_partitions_before(timestamptz) to pulse_writer;
