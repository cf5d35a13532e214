"""Data-quality checks of the facts and aggregates: row counts and their deltas, null and
range checks, stored as data and exported as metrics."""
