"""Query benchmark (issue 9): latency of every example query of `sql/queries/` on a
database filled by the consumer's own batch path (`python -m bench.query`)."""
