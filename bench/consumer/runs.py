"""The consumer benchmark's runs: every contender once per run, in an order that rotates,
and the targets the report judges Pulse against."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bench.consumer.summary import Target
from bench.peers.measurement import Contender, Measurement, Workload
from bench.peers.pulse.contender import PulseConsumer


def run_all(contenders: Sequence[Contender], workload: Workload, runs: int) -> list[Measurement]:
    """Every contender once per run, the order rotating so no one always goes first."""
    measurements = []
    for run in range(1, runs + 1):
        shift = (run - 1) % len(contenders)
        for contender in [*contenders[shift:], *contenders[:shift]]:
            measurement = contender.measure(workload, run)
            measurements.append(measurement)
            status = "" if measurement.complete else f"  [{measurement.note}]"
            print(
                f"run {run}/{runs}  {contender.name:<36} {measurement.events_per_s:>10,.0f} "
                f"events/s  ({measurement.records:,} in {measurement.seconds:.1f} s){status}",
                file=sys.stderr,
                flush=True,
            )
    return measurements


def targets() -> list[Target]:
    facts = PulseConsumer(aggregates=False).name
    aggregates = PulseConsumer(aggregates=True).name
    return [
        Target(facts, ">= 70 % of raw consumption", min_ratio_to_raw=0.70),
        Target(facts, ">= 20,000 events/s", min_events_per_s=20_000),
        Target(aggregates, ">= 50 % of raw consumption (issue 17)", min_ratio_to_raw=0.50),
    ]
