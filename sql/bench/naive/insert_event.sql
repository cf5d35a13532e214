-- One event, committed on its own by the naive peer; a re-sent event_id adds nothing.
insert into naive_events (event_id, event_type, occurred_at, user_id, payload)
values (%s, %s, %s, %s, %s)
on conflict (event_id) do nothing;
