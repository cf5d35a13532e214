"""Benchmarks of Pulse against its peers; run as modules, never part of `make test`.

One package per benchmark (`python -m bench.consumer`, `.producer`, `.freshness`, `.scale`,
`.query`), one folder per peer under `peers/`, and the helpers they share in `common/`.
`calls_quality` and `calls_alternatives` measure the support-call rules (they import the
producer's session planner, which the consumer may not).
"""
