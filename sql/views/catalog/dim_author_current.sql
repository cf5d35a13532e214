-- Each author as they are now: the current version of `dim_author`, deleted ones left out.
-- updated_at is when this version became true (its valid_from).
create view dim_author_current as
with

versions as (
    select * from dim_author
),

final as (
    select
        author_id,
        author_name,
        home_category,
        valid_from as updated_at
    from versions
    where is_current and not is_deleted
)

select * from final;

grant select on dim_author_current to pulse_reader;
