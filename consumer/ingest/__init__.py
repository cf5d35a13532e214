"""Reading Kafka: the poll loop, batches and their offsets ledger, decoding records against
the contract, rebalances, the breaker and the broker's health."""
