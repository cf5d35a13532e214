"""Pulse itself as a contender: `python -m consumer run --exit-when-idle`, watched through
its metrics endpoint and its offset ledger."""
