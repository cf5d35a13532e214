"""The contenders of the consumer benchmark, each draining the same pre-loaded topic in
its own process: raw consumption, the naive consumer, Pulse (facts only, and with every
aggregate) and the peers Kafka Connect + Debezium JDBC sink and Quix Streams. A new
contender (a peer tool, another configuration) is one more class with `name` and
`measure(workload, run)`."""

from __future__ import annotations

from bench.contenders.connect import ConnectJdbcSink
from bench.contenders.naive import NaiveConsumer
from bench.contenders.pulse import PulseConsumer
from bench.contenders.quix import QuixCounts
from bench.contenders.raw import RawConsumption
from bench.measurement import Contender

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
