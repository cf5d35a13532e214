-- Drift of `author_category_activity`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact.
with

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

recomputed as (
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
