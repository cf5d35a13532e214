-- Top pages by actions (views, clicks, likes, comments, shares, edits, creation), all
-- time, from the per-item totals (the view `top_pages` ranks every content page; ranking only
-- the leaders is exact, since everyone with more actions is a leader too). Product pages
-- ("Shop") only with include_shop. The title is the post's, or a product page's product
-- name, and author_name the author's, from the catalog's current rows (null until it
-- delivered them). Parameters: limit, include_shop.
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
