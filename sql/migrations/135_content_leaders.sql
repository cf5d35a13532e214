-- The leading pages of each category (issue 17): every content item whose actions (views,
-- clicks, likes, comments, shares, edits and its creation) are at least those of its
-- category's 100th page, ties included, with the category and the actions. Counts only
-- grow, so a page off the board can only get on it in a batch that adds to it, and the
-- first N pages of any set of categories (all, or all but the product pages) are on it for
-- N up to 100: `top_pages.sql` ranks these few rows instead of every item. The batch keeps
-- it (sql/aggregates/196, 199); the 100 is written in the latter, in
-- sql/queries/top_pages.sql and in sql/reconcile/content_leaders.sql, each as a column
-- `pages_per_category` (tests/unit/test_aggregates.py checks they agree).

create table content_leaders (
    content_id text primary key,
    category text not null,
    actions bigint not null
);

-- The items stored before this migration.
insert into content_leaders (content_id, category, actions)
select
    content_id,
    category,
    actions
from (
    select
        content_id,
        category,
        views + clicks + likes + comments + shares + edits + creates as actions,
        rank() over (
            partition by category
            order by views + clicks + likes + comments + shares + edits + creates desc
        ) as category_rank,
        100 as pages_per_category
    from content_items
) as ranked
where category_rank <= pages_per_category
order by content_id;

-- The batch inserts, updates and deletes leaders; readers read them.
grant select, insert, update, delete on content_leaders to pulse_writer;
grant select on content_leaders to pulse_reader;
