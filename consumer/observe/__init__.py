"""What the consumer tells people: Prometheus metrics and the progress line."""
