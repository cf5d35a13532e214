-- Product pages are pages too: the simulator (producer/catalog.py, SHOP_CATEGORY) and the
-- shop's own events name a product page's category "Shop". Content rankings leave them out
-- unless asked to (`include_shop`); this is the one place that says what a product page is.
create function is_shop_category(category text)
returns boolean
language sql
immutable
parallel safe
return category = 'Shop';
