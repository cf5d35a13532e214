-- Top pages by actions (views, clicks, likes, comments, shares, edits, creation), all
-- time, from the per-item totals (the view `top_pages` ranks every content page; ranking only
-- the leaders is exact, since everyone with more actions is a leader too). Product pages
-- ("Shop") only with include_shop. The first 100 pages of every category are kept apart
-- (`content_leaders`, migration 135): for a limit up to 100 only those items are ranked,
-- beyond it every item. Parameters: limit, include_shop.
with

board_size as (
    select 100 as pages_per_category
),

items as (
    select
        stored.*,
        stored.views + stored.clicks + stored.likes + stored.comments + stored.shares
        + stored.edits + stored.creates as actions
    from content_leaders as leaders
    inner join lateral (
        -- offset 0: one primary-key probe per leader, never a scan of every item.
        select * from content_items
        where content_items.content_id = leaders.content_id
        offset 0
    ) as stored on true
    where
        %(limit)s <= (select pages_per_category from board_size)
        and (%(include_shop)s or not is_shop_category(leaders.category))
    union all
    select
        *,
        views + clicks + likes + comments + shares + edits + creates as actions
    from content_items
    where
        %(limit)s > (select pages_per_category from board_size)
        and (%(include_shop)s or not is_shop_category(category))
),

leaders as (
    select * from items
    order by actions desc, content_id
    limit %(limit)s
),

final as (
    select
        rank() over (order by actions desc) as action_rank,
        content_id,
        author_id,
        category,
        actions,
        views,
        likes,
        comments,
        shares,
        edits
    from leaders
)

select * from final
order by action_rank, content_id;
