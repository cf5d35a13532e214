-- Top pages by actions: every action on the item (views, clicks, likes, comments,
-- shares, edits and its creation), from the all-time totals kept on `content_items`.
-- Content pages only: product pages ("Shop") are left out of this ranking
-- (`sql/queries/top_pages.sql` ranks them too with include_shop). Each page's title and its
-- author's name come from the catalog's current rows (null until it delivered them; the
-- page is ranked all the same).
create view top_pages as
with

items as (
    select * from content_items
    where not is_shop_category(category)
),

posts as (
    select * from dim_post_current
),

authors as (
    select * from dim_author_current
),

final as (
    select
        rank() over (
            order by
                items.views + items.clicks + items.likes + items.comments + items.shares
                + items.edits + items.creates desc
        ) as action_rank,
        items.content_id,
        items.author_id,
        items.category,
        items.published_at,
        items.views + items.clicks + items.likes + items.comments + items.shares + items.edits
        + items.creates as actions,
        items.views,
        items.clicks,
        items.likes,
        items.comments,
        items.shares,
        items.edits,
        posts.title,
        authors.author_name
    from items
    left join posts on items.content_id = posts.post_id
    left join authors on items.author_id = authors.author_id
)

select * from final
order by action_rank, content_id;

grant select on top_pages to pulse_reader;
