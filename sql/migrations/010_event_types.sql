-- The one place where each event type's engagement level is defined, and which event
-- types count as engagement with a piece of content. Aggregates join this table, so a
-- change here (a new migration) changes what new batches count; reconcile recomputes
-- with the same table, and `dim_actions` exposes it to analysts.
--
--   high:   the user created something or spent money (page_create, purchase, signup)
--   medium: the user contributed or moved toward a purchase (page_edit, comment, share,
--           add_to_cart, support_call)
--   low:    consumption and navigation (page_view, click, like, search,
--           remove_from_cart, login, logout)
--
-- Content engagement (what an author "receives", as in the content-analytics seed):
-- views, likes, comments and shares of the author's content.
create table event_types (
    event_type text primary key,
    engagement_level text not null check (engagement_level in ('high', 'medium', 'low')),
    -- 3 = high, 2 = medium, 1 = low; breaks ties toward the higher level
    engagement_rank smallint not null check (engagement_rank between 1 and 3),
    is_content_engagement boolean not null,
    check (
        (engagement_level = 'high' and engagement_rank = 3)
        or (engagement_level = 'medium' and engagement_rank = 2)
        or (engagement_level = 'low' and engagement_rank = 1)
    )
);

insert into event_types (event_type, engagement_level, engagement_rank, is_content_engagement)
values
    ('page_create', 'high', 3, false),
    ('purchase', 'high', 3, false),
    ('signup', 'high', 3, false),
    ('page_edit', 'medium', 2, false),
    ('comment', 'medium', 2, true),
    ('share', 'medium', 2, true),
    ('add_to_cart', 'medium', 2, false),
    ('support_call', 'medium', 2, false),
    ('page_view', 'low', 1, true),
    ('click', 'low', 1, false),
    ('like', 'low', 1, true),
    ('search', 'low', 1, false),
    ('remove_from_cart', 'low', 1, false),
    ('login', 'low', 1, false),
    ('logout', 'low', 1, false);
