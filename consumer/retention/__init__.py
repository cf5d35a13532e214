"""Raw-fact retention: the weekly partitions of `events` created ahead of need, and the
expired ones dropped (FACTS_RETENTION_DAYS) while the aggregates keep their history."""
