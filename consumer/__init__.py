"""Pulse consumer: validates activity events, dead-letters bad ones and writes facts and
aggregates into PostgreSQL with an exactly-once effect."""

__version__ = "0.1.0"
