"""Writing PostgreSQL: the connection, migrations, the batch transaction (facts, aggregates
and offsets together), the writer thread, refused-row isolation and reconcile."""
