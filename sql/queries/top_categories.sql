-- The categories with the most engagement, with their top author. Parameters: limit.
select * from top_categories(%(limit)s);
