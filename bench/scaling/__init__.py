"""Capacity arithmetic for docs/scaling.md (issue 17): the per-event figures measured on one
machine, turned into what 10k, 100k and 1M events/s take (`python -m bench.scaling`)."""
