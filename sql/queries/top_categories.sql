-- The categories with the most engagement, with their top author; product pages ("Shop")
-- only with include_shop. Parameters: limit, include_shop.
select * from top_categories(%(limit)s, %(include_shop)s);
