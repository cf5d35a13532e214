-- The rollups of posts (migration 136): per category and UTC weekday x hour of
-- publication (`post_slot_activity`), and per UTC day of publication, author and category
-- (`author_category_daily_posts`), each post with all the engagement it has received.
--
-- A post keeps its attribution (author, category, publication) in `post_publications`.
-- The batch's views, likes, comments and shares of a post are added where it is
-- attributed. Only a page_create (the first makes the item a post, an earlier one moves
-- its publication) or an event that becomes the item's first (its author and category
-- come from its earliest event) can change that: for those posts alone the stored
-- attribution is read, and a post whose attribution changed takes its counts before this
-- batch (the current ones minus the batch's) back from the old rows and puts its current
-- counts on the new ones. The posts' current rows are those `060_content_items` left in
-- `touched_content_items`. `196_content_rankings_lock` makes this the only transaction
-- changing these tables, so the attributions read here are current. Rows go in key order.
with

levels as (
    select * from event_types
),

batch_items as (
    select
        events.content_id,
        min(events.occurred_at) as first_event_at,
        bool_or(events.event_type = 'page_create') as has_page_create,
        count(*) filter (where events.event_type = 'page_view') as views,
        count(*) filter (where events.event_type = 'like') as likes,
        count(*) filter (where events.event_type = 'comment') as comments,
        count(*) filter (where events.event_type = 'share') as shares,
        count(*) filter (where levels.is_content_engagement) as engagements
    from inserted_events as events
    left join levels on events.event_type = levels.event_type
    where events.content_id is not null
    group by events.content_id
),

-- The batch's posts, as they are now.
batch_posts as (
    select
        batch_items.content_id,
        batch_items.has_page_create
        or batch_items.first_event_at = items.first_seen_at as may_have_moved,
        batch_items.views as batch_views,
        batch_items.likes as batch_likes,
        batch_items.comments as batch_comments,
        batch_items.shares as batch_shares,
        batch_items.engagements as batch_engagements,
        items.author_id,
        items.category,
        items.published_at,
        items.views,
        items.likes,
        items.comments,
        items.shares,
        items.engagements
    from batch_items
    inner join touched_content_items as items on batch_items.content_id = items.content_id
    where items.published_at is not null
),

-- Posts whose attribution this batch cannot have changed.
kept as (
    select * from batch_posts
    where not may_have_moved
),

-- The others, with the attribution they had before this batch (none: not a post yet).
rechecked as (
    select
        batch_posts.*,
        stored.author_id as old_author_id,
        stored.category as old_category,
        stored.published_at as old_published_at
    from batch_posts
    left join lateral (
        -- offset 0: one primary-key probe per post, never a scan of every post.
        select
            publications.author_id,
            publications.category,
            publications.published_at
        from post_publications as publications
        where publications.content_id = batch_posts.content_id
        offset 0
    ) as stored on true
    where batch_posts.may_have_moved
),

moved as (
    select
        *,
        (old_author_id, old_category, old_published_at)
        is distinct from (author_id, category, published_at) as is_moved
    from rechecked
),

changes as (
    -- The batch's counts, where the post is (and stays) attributed.
    select
        author_id,
        category,
        published_at,
        0 as posts,
        batch_views as views,
        batch_likes as likes,
        batch_comments as comments,
        batch_shares as shares,
        batch_engagements as engagements
    from kept
    union all
    select
        author_id,
        category,
        published_at,
        0 as posts,
        batch_views,
        batch_likes,
        batch_comments,
        batch_shares,
        batch_engagements
    from moved
    where not is_moved
    -- A new post, or a moved one: all its counts where it is attributed now ...
    union all
    select
        author_id,
        category,
        published_at,
        1 as posts,
        views,
        likes,
        comments,
        shares,
        engagements
    from moved
    where is_moved
    -- ... taken back, as they were before this batch, from where it was.
    union all
    select
        old_author_id,
        old_category,
        old_published_at,
        -1 as posts,
        batch_views - views,
        batch_likes - likes,
        batch_comments - comments,
        batch_shares - shares,
        batch_engagements - engagements
    from moved
    where is_moved and old_published_at is not null
),

saved_attributions as (
    insert into post_publications as stored (
        content_id,
        author_id,
        category,
        published_at
    )
    select
        content_id,
        author_id,
        category,
        published_at
    from moved
    where is_moved
    order by content_id
    on conflict (content_id) do update set
        author_id = excluded.author_id,
        category = excluded.category,
        published_at = excluded.published_at
),

per_slot as (
    select
        category,
        extract(isodow from published_at at time zone 'UTC')::smallint as iso_weekday,
        extract(hour from published_at at time zone 'UTC')::smallint as hour_of_day,
        sum(posts) as posts,
        sum(views) as views,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(engagements) as engagements
    from changes
    group by 1, 2, 3
),

slots_saved as (
    insert into post_slot_activity as stored (
        category,
        iso_weekday,
        hour_of_day,
        posts,
        views,
        likes,
        comments,
        shares,
        engagements
    )
    select
        category,
        iso_weekday,
        hour_of_day,
        posts,
        views,
        likes,
        comments,
        shares,
        engagements
    from per_slot
    where (posts, views, likes, comments, shares, engagements) <> (0, 0, 0, 0, 0, 0)
    order by category, iso_weekday, hour_of_day
    on conflict (category, iso_weekday, hour_of_day) do update set
        posts = stored.posts + excluded.posts,
        views = stored.views + excluded.views,
        likes = stored.likes + excluded.likes,
        comments = stored.comments + excluded.comments,
        shares = stored.shares + excluded.shares,
        engagements = stored.engagements + excluded.engagements
),

per_day as (
    select
        (published_at at time zone 'UTC')::date as published_date,
        author_id,
        category,
        sum(posts) as posts,
        sum(views) as views,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(engagements) as engagements
    from changes
    group by 1, 2, 3
)

insert into author_category_daily_posts as stored (
    published_date,
    author_id,
    category,
    posts,
    views,
    likes,
    comments,
    shares,
    engagements
)
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
from per_day
where (posts, views, likes, comments, shares, engagements) <> (0, 0, 0, 0, 0, 0)
order by published_date, author_id, category
on conflict (published_date, author_id, category) do update set
    posts = stored.posts + excluded.posts,
    views = stored.views + excluded.views,
    likes = stored.likes + excluded.likes,
    comments = stored.comments + excluded.comments,
    shares = stored.shares + excluded.shares,
    engagements = stored.engagements + excluded.engagements;
