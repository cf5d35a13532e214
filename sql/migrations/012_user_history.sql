-- The users dimension as SCD type 2: one row per version of a user's device and location.
-- A version starts at the first event (event time) whose attributes differ from the
-- previous event's and ends where the next version starts; the current version has
-- valid_to null and is_current true. Events sharing an instant count as one observation,
-- the one with the greatest event_id, so the history never depends on arrival order.
--
-- `sql/aggregates/020_user_history.sql` rebuilds, in each batch, the part of a user's
-- history from that user's earliest new event on, reading the user's stored events
-- through the index below: an out-of-order event splits or merges versions exactly as
-- a full recomputation would.
create table user_history (
    user_id text not null,
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null,
    device text not null,
    country text not null,
    city text not null,
    primary key (user_id, valid_from),
    check (is_current = (valid_to is null)),
    check (valid_to is null or valid_to > valid_from)
);

-- A user's events in event-time order: the SCD2 rebuild reads only the tail it needs.
create index events_user_id_occurred_at on events (user_id, occurred_at);
