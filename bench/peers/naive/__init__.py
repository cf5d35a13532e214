"""The naive consumer of the seed pipelines: one INSERT + COMMIT per event."""
