-- Top pages by actions (views, clicks, likes, comments, shares, edits, creation), all
-- time, from the per-item totals (the view `top_pages` ranks every content page; ranking only
-- the leaders is exact, since everyone with more actions is a leader too). Product pages
-- ("Shop") only with include_shop. The title is the post's, or a product page's product
-- name, and author_name the author's, from the catalog's current rows (null until it
-- delivered them). The first 100 pages of every category are kept apart
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

posts as (
    select * from dim_post_current
),

products as (
    select * from dim_product_current
),

authors as (
    select * from dim_author_current
),

final as (
    select
        rank() over (order by leaders.actions desc) as action_rank,
        leaders.content_id,
        leaders.author_id,
        leaders.category,
        leaders.actions,
        leaders.views,
        leaders.likes,
        leaders.comments,
        leaders.shares,
        leaders.edits,
        coalesce(posts.title, products.product_name) as title,
        authors.author_name
    from leaders
    left join posts on leaders.content_id = posts.post_id
    left join products on leaders.content_id = products.product_id
    left join authors on leaders.author_id = authors.author_id
)

select * from final
order by action_rank, content_id;
