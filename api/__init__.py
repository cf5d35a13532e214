"""Pulse's read-only HTTP API: the live aggregates over HTTP, with OpenAPI docs at /docs."""
