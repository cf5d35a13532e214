"""The contenders of the consumer benchmark by the key `--only` selects them with, each
draining the same pre-loaded topic in its own process: raw consumption, the naive
consumer, Pulse (facts only, and with every aggregate) and the peers Kafka Connect +
Debezium JDBC sink and Quix Streams. A new contender (a peer tool, another configuration)
is one more folder under bench/peers/ with a class that has `name` and
`measure(workload, run)`, launched by bench/peers/launch.py."""

from __future__ import annotations

from bench.peers.connect.contender import ConnectJdbcSink
from bench.peers.measurement import Contender
from bench.peers.naive.contender import NaiveConsumer
from bench.peers.pulse.contender import PulseConsumer
from bench.peers.quix.contender import QuixCounts
from bench.peers.raw.contender import RawConsumption

RAW = "raw"
NAIVE = "naive"
PULSE_FACTS = "pulse-facts"
PULSE_AGGREGATES = "pulse-aggregates"
CONNECT = "connect"
QUIX = "quix"
# Left out of --quick unless named: Connect's first run resolves ~75 MB of jars with Maven,
# Quix's installs Quix Streams and its dependencies into their own venv with pip.
NOT_QUICK = (CONNECT, QUIX)


def contenders_by_key() -> dict[str, Contender]:
    """Every known contender by the key `--only` selects it with, in report order."""
    return {
        RAW: RawConsumption(),
        NAIVE: NaiveConsumer(),
        PULSE_FACTS: PulseConsumer(aggregates=False),
        PULSE_AGGREGATES: PulseConsumer(aggregates=True),
        CONNECT: ConnectJdbcSink(),
        QUIX: QuixCounts(),
    }
