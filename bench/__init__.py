"""Benchmarks of Pulse against its baselines; run as modules, never part of `make test`."""
