-- Each post as it is now: the current version of `dim_post`, deleted ones left out.
-- updated_at is when this version became true (its valid_from).
create view dim_post_current as
with

versions as (
    select * from dim_post
),

final as (
    select
        post_id,
        title,
        tags,
        is_promoted,
        author_id,
        category,
        published_at,
        valid_from as updated_at
    from versions
    where is_current and not is_deleted
)

select * from final;

grant select on dim_post_current to pulse_reader;
