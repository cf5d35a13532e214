"""Pulse consumer: validates activity events, dead-letters bad ones and writes facts and
aggregates into PostgreSQL with an exactly-once effect.

Role folders: `ingest/` reads Kafka, `store/` writes PostgreSQL, `deadletters/` owns the
dead-letter topic and its tools, `observe/` the metrics, `calls/` the support-call rules."""

from pulse import __version__

__all__ = ["__version__"]
