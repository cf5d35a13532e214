"""The contenders of the consumer benchmark, one folder per peer: raw kafka-python, the
naive consumer, Pulse, Kafka Connect + Debezium JDBC sink and Quix Streams. Each folder
holds `contender.py` (builds the command, reads the measurement) and, where the peer is
not Pulse, `child.py` (the process the one launcher of `launch.py` starts).

Imports nothing: the Quix peer's child, run by its own venv's Python, imports below here.
"""
