-- Empty the staging tables inside a transaction (they empty themselves at commit): each
-- attempt of the search for the records PostgreSQL refuses starts from nothing.
delete from inserted_events;
delete from incoming_calls;
delete from touched_content_items;
delete from incoming_catalog;
