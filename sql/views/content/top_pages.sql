-- Top pages by actions: every action on the item (views, clicks, likes, comments,
-- shares, edits and its creation), from the all-time totals kept on `content_items`.
-- Content pages only: product pages ("Shop") are left out of this ranking
-- (`sql/queries/top_pages.sql` ranks them too with include_shop).
create view top_pages as
with

items as (
    select * from content_items
    where not is_shop_category(category)
),

final as (
    select
        rank() over (
            order by views + clicks + likes + comments + shares + edits + creates desc
        ) as action_rank,
        content_id,
        author_id,
        category,
        published_at,
        views + clicks + likes + comments + shares + edits + creates as actions,
        views,
        clicks,
        likes,
        comments,
        shares,
        edits
    from items
)

select * from final
order by action_rank, content_id;

grant select on top_pages to pulse_reader;
