"""The baselines, as small programs the benchmark starts in their own process: raw
kafka-python consumption (the ceiling) and a naive per-event INSERT + COMMIT consumer
(what the seed pipelines do). Each prints one JSON line of results on stdout."""
