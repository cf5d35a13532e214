-- Empty the staging tables, inside the batch's transaction: at the end of every batch (so
-- the next one finds them empty), and before each attempt of the search for the records
-- PostgreSQL refuses.
delete from inserted_events;
delete from incoming_calls;
delete from touched_content_items;
delete from incoming_catalog;
