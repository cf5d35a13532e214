-- Each product as it is now: the current version of `dim_product`, deleted ones left out.
-- updated_at is when this version became true (its valid_from).
create view dim_product_current as
with

versions as (
    select * from dim_product
),

final as (
    select
        product_id,
        product_name,
        category,
        unit_price,
        currency,
        valid_from as updated_at
    from versions
    where is_current and not is_deleted
)

select * from final;

grant select on dim_product_current to pulse_reader;
