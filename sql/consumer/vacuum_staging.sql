-- Reclaim the rows the batches deleted from the staging tables: autovacuum never visits
-- temporary tables, and every statement of a batch scans what is left in them.
vacuum inserted_events, touched_content_items, incoming_calls, incoming_catalog;
