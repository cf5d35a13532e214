-- Products renamed or repriced, with every version: the catalog's dimensions keep their
-- history (SCD type 2); the current version has valid_to null.
select
    product_id,
    product_name,
    unit_price,
    valid_from,
    valid_to
from dim_product
where product_id in (
    select product_id
    from dim_product
    group by product_id
    having count(*) > 1
)
order by product_id, valid_from desc
limit 10;
