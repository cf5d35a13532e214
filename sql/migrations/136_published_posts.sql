-- Rollups of the posts (content items whose page_create was seen) for the queries that
-- read every post or every post of the last 90 days (issue 17): `posting_times.sql` (by
-- the UTC weekday and hour of publication), `top_authors.sql` and
-- `coaching_opportunities.sql` (per author and category over the posts published in the
-- last 90 UTC days). Each post counts with all the engagement it has received, wherever
-- that engagement falls in time, so a view of an old post adds to the row of the post's
-- publication. The category stays a column, so the product pages ("Shop") can be left
-- out when reading.
--
-- `post_publications` is what the two rollups attribute each post to (author, category,
-- publication time), so that the batch statement (sql/aggregates/197_published_posts.sql)
-- knows where to take a post's counts back from when a late event changes its
-- attribution: an earlier page_create moves its publication, an earlier first event its
-- author and category (content_items takes them from the item's earliest event).

create table post_publications (
    content_id text primary key,
    author_id text not null,
    category text not null,
    published_at timestamptz not null
);

create table post_slot_activity (
    category text not null,
    iso_weekday smallint not null check (iso_weekday between 1 and 7),  -- 1 = Monday
    hour_of_day smallint not null check (hour_of_day between 0 and 23),
    posts bigint not null,
    views bigint not null,
    likes bigint not null,
    comments bigint not null,
    shares bigint not null,
    engagements bigint not null,
    primary key (category, iso_weekday, hour_of_day)
) with (fillfactor = 70);

create table author_category_daily_posts (
    published_date date not null,
    author_id text not null,
    category text not null,
    posts bigint not null,
    views bigint not null,
    likes bigint not null,
    comments bigint not null,
    shares bigint not null,
    engagements bigint not null,
    primary key (published_date, author_id, category)
) with (fillfactor = 80);

-- A row whose last post a late event moved elsewhere is deleted by the batch
-- (sql/aggregates/198_published_posts_emptied.sql) through these, which stay empty: the
-- number of posts of a row changes only when a post is published or moved, so the views
-- and likes that update the rows all the time keep their updates HOT.
create index post_slot_activity_emptied on post_slot_activity (category) where posts = 0;
create index author_category_daily_posts_emptied on author_category_daily_posts (published_date)
where posts = 0;

-- The posts stored before this migration.
insert into post_publications (content_id, author_id, category, published_at)
select
    content_id,
    author_id,
    category,
    published_at
from content_items
where published_at is not null
order by content_id;

insert into post_slot_activity (
    category, iso_weekday, hour_of_day, posts, views, likes, comments, shares, engagements
)
select
    category,
    extract(isodow from published_at at time zone 'UTC') as iso_weekday,
    extract(hour from published_at at time zone 'UTC') as hour_of_day,
    count(*) as posts,
    sum(views) as views,
    sum(likes) as likes,
    sum(comments) as comments,
    sum(shares) as shares,
    sum(engagements) as engagements
from content_items
where published_at is not null
group by 1, 2, 3
order by 1, 2, 3;

insert into author_category_daily_posts (
    published_date, author_id, category, posts, views, likes, comments, shares, engagements
)
select
    (published_at at time zone 'UTC')::date as published_date,
    author_id,
    category,
    count(*) as posts,
    sum(views) as views,
    sum(likes) as likes,
    sum(comments) as comments,
    sum(shares) as shares,
    sum(engagements) as engagements
from content_items
where published_at is not null
group by 1, 2, 3
order by 1, 2, 3;

-- The batch inserts and moves attributions, adds to the rollups and deletes their rows
-- left without a post; readers read them (posting_time_patterns(), top_authors_90d,
-- author_opportunities).
grant select, insert, update on post_publications to pulse_writer;
grant select, insert, update, delete on post_slot_activity, author_category_daily_posts
to pulse_writer;
grant select on post_publications, post_slot_activity, author_category_daily_posts
to pulse_reader;
