"""Freshness benchmark (issue 9): how long until an event is visible in the per-minute
aggregate at a fixed produce rate (`python -m bench.freshness`)."""
