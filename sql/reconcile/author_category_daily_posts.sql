-- Drift of `author_category_daily_posts`: the stored rows that a full recomputation from
-- `events` does not produce, and the recomputed rows it lacks. Empty when exact. Posts as
-- in post_publications (author and category of the earliest event, published at the
-- earliest page_create), each with every view, like, comment and share it received.
with

levels as (
    select * from event_types
),

content_events as (
    select
        events.*,
        levels.is_content_engagement
    from events
    left join levels on events.event_type = levels.event_type
    where events.content_id is not null
),

firsts as (
    select distinct on (content_id)
        content_id,
        author_id,
        category
    from content_events
    order by content_id, occurred_at, event_id
),

posts as (
    select
        content_id,
        min(occurred_at) filter (where event_type = 'page_create') as published_at,
        count(*) filter (where event_type = 'page_view') as views,
        count(*) filter (where event_type = 'like') as likes,
        count(*) filter (where event_type = 'comment') as comments,
        count(*) filter (where event_type = 'share') as shares,
        count(*) filter (where is_content_engagement) as engagements
    from content_events
    group by content_id
    having count(*) filter (where event_type = 'page_create') > 0
),

stored as (
    select
        published_date,
        author_id,
        category,
        posts,
        views,
        likes,
        comments,
        shares,
        engagements
    from author_category_daily_posts
),

recomputed as (
    select
        (posts.published_at at time zone 'UTC')::date as published_date,
        firsts.author_id,
        firsts.category,
        count(*) as posts,
        sum(posts.views) as views,
        sum(posts.likes) as likes,
        sum(posts.comments) as comments,
        sum(posts.shares) as shares,
        sum(posts.engagements) as engagements
    from posts
    inner join firsts on posts.content_id = firsts.content_id
    group by 1, 2, 3
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
