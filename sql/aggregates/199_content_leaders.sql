-- The leading pages per category (migration 135): the board is re-ranked with the
-- current totals of the pages this batch touched (kept by `060_content_items` in the
-- batch's `touched_content_items`), and every page ranked in its category's first 100
-- (ties included) stays or gets on it; the others leave. That is exact: a page neither on
-- the board nor touched has fewer actions than the 100th of its category before the
-- batch, so it cannot be among the first 100 after it. A page whose category changed (a
-- late first event) leaves a gap in its old category, which is re-ranked from all its
-- items. `196_content_rankings_lock` has made this the only transaction changing the board.
with

board_size as (
    select 100 as pages_per_category
),

touched as (
    -- The pages this batch touched, with their new totals (`060_content_items`).
    select
        content_id,
        category,
        actions
    from touched_content_items
),

-- Only the categories this batch can change are read and re-ranked: those of the pages it
-- touched, where they are now and where the board had them. The others keep their rows,
-- so a batch costs what it touched, not the size of the whole board.
affected_categories as (
    select category from touched
    union
    select leaders.category
    from content_leaders as leaders
    inner join touched on leaders.content_id = touched.content_id
),

board as (
    select
        content_id,
        category,
        actions
    from content_leaders
    where category in (select category from affected_categories)
),

-- The lowest actions on the board per category: a page that was not on it and stays
-- below that cannot get on it (the 100 above it are still there, with as many or more).
thresholds as (
    select
        category,
        min(actions) as lowest_actions,
        count(*) as pages
    from board
    group by category
),

contenders as (
    select touched.*
    from touched
    left join thresholds on touched.category = thresholds.category
    where
        thresholds.category is null
        or thresholds.pages < (select pages_per_category from board_size)
        or touched.actions >= thresholds.lowest_actions
        or exists (select from board where board.content_id = touched.content_id)
),

left_categories as (
    select distinct board.category
    from board
    inner join touched on board.content_id = touched.content_id
    where board.category <> touched.category
),

candidates as (
    select
        content_id,
        category,
        actions
    from board
    where not exists (select from touched where touched.content_id = board.content_id)
    union
    select
        content_id,
        category,
        actions
    from contenders
    union
    select
        items.content_id,
        items.category,
        items.actions
    from left_categories
    inner join lateral (
        select
            stored.content_id,
            stored.category,
            stored.views + stored.clicks + stored.likes + stored.comments + stored.shares
            + stored.edits + stored.creates as actions
        from content_items as stored
        where stored.category = left_categories.category
        offset 0
    ) as items on true
),

ranked as (
    select
        candidates.*,
        rank() over (partition by category order by actions desc) as category_rank
    from candidates
),

leaders as (
    select
        content_id,
        category,
        actions
    from ranked
    where category_rank <= (select pages_per_category from board_size)
),

dropped as (
    delete from content_leaders
    where content_id in (
        select content_id from board
        except
        select content_id from leaders
    )
)

insert into content_leaders as stored (content_id, category, actions)
select
    content_id,
    category,
    actions
from leaders
where not exists (
    select from board
    where
        board.content_id = leaders.content_id
        and board.category = leaders.category
        and board.actions = leaders.actions
)
order by content_id
on conflict (content_id) do update set
    category = excluded.category,
    actions = excluded.actions;
