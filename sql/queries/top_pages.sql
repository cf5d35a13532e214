-- Top pages by actions (views, clicks, likes, comments, shares, edits, creation), all
-- time, from the per-item totals (the view `top_pages` ranks every content page; ranking only
-- the leaders is exact, since everyone with more actions is a leader too). Product pages
-- ("Shop") only with include_shop. Parameters: limit, include_shop.
with

items as (
    select
        *,
        views + clicks + likes + comments + shares + edits + creates as actions
    from content_items
    where %(include_shop)s or not is_shop_category(category)
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
