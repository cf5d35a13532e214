-- Empty the staging tables after a large batch, inside its transaction: cheaper than
-- deleting its rows and vacuuming them, though the statements reading these tables are
-- planned again in the next batch (consumer/store/staging.py).
truncate inserted_events, touched_content_items, incoming_calls, incoming_catalog;
