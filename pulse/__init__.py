"""Pulse's core, shared by the consumer, the producer, the stack, the API and the
benchmarks: the event contract, settings, errors, the Kafka client and its security, SQL
files, logging and secrets. It imports nothing else of Pulse."""

__version__ = "0.1.0"
