-- Per-connection staging table that each batch is COPYed into; emptied at commit.
create temporary table if not exists incoming_events
    (like events including defaults)
    on commit delete rows;

create temporary table if not exists inserted_events
    (like events)
    on commit delete rows;
