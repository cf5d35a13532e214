"""The local stack: Kafka, PostgreSQL and Prometheus as plain local processes, managed by
`python -m stack up|down|status|logs` for machines without a Docker engine."""
