"""Dead letters: shaping and publishing them (`letters`), and the operations on the
dead-letter topic: read it into typed records, then summarize, show, replay or mirror them
(`python -m consumer dlq ...`)."""
