"""Dead-letter operations: read the dead-letter topic into typed records, then summarize,
show, replay or mirror them (`python -m consumer dlq ...`)."""
