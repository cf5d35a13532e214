-- All-time totals per author and category (issue 17), kept by the batch beside the daily
-- rows: the category ranking (`category_stats`, `top_categories()`) then reads one row per
-- author and category (about 3,200 at 10M facts) instead of every author-category-day
-- (380,000). Engagement is attributed by each event's own author and category, as in the
-- daily rows; the category stays a column, so any category can be left out when reading.
-- Per-category totals are not kept apart: they are sums over these rows, and a row per
-- category would be updated by every batch of every consumer.

create table author_category_activity (
    author_id text not null,
    category text not null,
    posts_published bigint not null,
    views bigint not null,
    likes bigint not null,
    comments bigint not null,
    shares bigint not null,
    engagements bigint not null,
    primary key (author_id, category)
) with (fillfactor = 70);

-- The days stored before this migration.
insert into author_category_activity (
    author_id,
    category,
    posts_published,
    views,
    likes,
    comments,
    shares,
    engagements
)
select
    author_id,
    category,
    sum(posts_published) as posts_published,
    sum(views) as views,
    sum(likes) as likes,
    sum(comments) as comments,
    sum(shares) as shares,
    sum(engagements) as engagements
from author_category_daily_activity
group by author_id, category
order by author_id, category;

-- Additive upserts, like the daily rows; readers read the totals (view category_stats).
grant select, insert, update on author_category_activity to pulse_writer;
grant select on author_category_activity to pulse_reader;
