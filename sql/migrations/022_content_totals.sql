-- pulse:replaces-checksum e8c53c521146532ed984663c02a8b86db115971fcbe4dd8093196d4c1f7877d1
-- All-time totals per content item, kept on `content_items` by the batch statement that
-- already upserts it (`sql/aggregates/060_content_items.sql`). "Top pages", per-post
-- engagement and the author benchmarks then read one row per item instead of summing
-- every item's daily rows: their cost follows the number of items, not of item-days,
-- which is what keeps them fast as the facts grow. Rows that exist already are filled
-- from `content_daily_activity`, which holds the same counts per day. (The views over the
-- totals live in `sql/views/content/`; this migration once redefined them.)
alter table content_items
    add column views bigint not null default 0,
    add column clicks bigint not null default 0,
    add column likes bigint not null default 0,
    add column comments bigint not null default 0,
    add column shares bigint not null default 0,
    add column edits bigint not null default 0,
    add column creates bigint not null default 0,
    add column engagements bigint not null default 0;

-- Every batch now updates the items it touches: leave room for HOT updates.
alter table content_items set (fillfactor = 80);

with

item_days as (
    select * from content_daily_activity
),

totals as (
    select
        content_id,
        sum(views) as views,
        sum(clicks) as clicks,
        sum(likes) as likes,
        sum(comments) as comments,
        sum(shares) as shares,
        sum(edits) as edits,
        sum(creates) as creates,
        sum(engagements) as engagements
    from item_days
    group by content_id
)

update content_items as items
set
    views = totals.views,
    clicks = totals.clicks,
    likes = totals.likes,
    comments = totals.comments,
    shares = totals.shares,
    edits = totals.edits,
    creates = totals.creates,
    engagements = totals.engagements
from totals
where items.content_id = totals.content_id;

-- "Top authors over the last 90 days" reads one date range instead of every day.
create index author_category_daily_activity_activity_date
on author_category_daily_activity (activity_date);
