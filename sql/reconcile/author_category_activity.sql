-- Drift of `author_category_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact. All-time
-- totals: once FACTS_RETENTION_DAYS has dropped facts, the days before the retained ones
-- are taken from the history of `author_category_daily_activity`, so every row stays
-- comparable.
with

retention as (
    -- Facts before retained_from were dropped (FACTS_RETENTION_DAYS): rows they proved are
    -- history, counted by sql/reconcile/history/, not compared.
    select
        retained_from,
        (retained_from at time zone 'UTC')::date as retained_from_date
    from facts_retention
),

levels as (
    select * from event_types
),

stored as (
    select
        author_id,
        category,
        posts_published,
        views,
        likes,
        comments,
        shares,
        engagements
    from author_category_activity
),

retained as (
    select
        events.author_id,
        events.category,
        count(*) filter (where events.event_type = 'page_create') as posts_published,
        count(*) filter (where events.event_type = 'page_view') as views,
        count(*) filter (where events.event_type = 'like') as likes,
        count(*) filter (where events.event_type = 'comment') as comments,
        count(*) filter (where events.event_type = 'share') as shares,
        count(*) filter (where levels.is_content_engagement) as engagements
    from events
    inner join levels on events.event_type = levels.event_type
    where
        events.author_id is not null
        and (events.event_type = 'page_create' or levels.is_content_engagement)
        and events.occurred_at >= (select retained_from from retention)
    group by 1, 2
),

history as (
    select
        author_id,
        category,
        posts_published,
        views,
        likes,
        comments,
        shares,
        engagements
    from author_category_daily_activity
    where activity_date < (select retained_from_date from retention)
),

recomputed as (
    select
        author_id,
        category,
        sum(posts_published)::bigint as posts_published,
        sum(views)::bigint as views,
        sum(likes)::bigint as likes,
        sum(comments)::bigint as comments,
        sum(shares)::bigint as shares,
        sum(engagements)::bigint as engagements
    from (
        select * from retained
        union all
        select * from history
    ) as both_sides
    group by 1, 2
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
