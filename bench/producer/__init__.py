"""Producer benchmark: events/s of generation, publishing and both (`python -m
bench.producer`)."""
