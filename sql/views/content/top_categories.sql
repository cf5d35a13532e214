-- The n categories with the most engagement received, all time, with their top author.
create function top_categories(n integer default 5)
returns setof category_stats
language sql
stable
as $$
    select *
    from category_stats
    order by category_rank, category
    limit top_categories.n
$$;
