"""How the consumer benchmark's report writes one figure in a table cell ("-" for
unknown), and the one figure derived for every measurement: the rest of the machine."""

from __future__ import annotations

from bench.peers.measurement import Measurement

_MIB = 1024 * 1024


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


count = rate  # a whole number, thousands separated


def cpu(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def mib(value: int | None) -> str:
    return "-" if value is None else f"{value / _MIB:,.0f} MiB"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def others_cpu_s(m: Measurement) -> float | None:
    """CPU seconds the rest of the machine (other users, other databases) spent while
    `m` ran: all busy CPU time minus what the contender, broker and PostgreSQL used."""
    busy = m.details.get("machine_busy_s")
    if not isinstance(busy, float):
        return None
    return max(busy - m.cpu_s - (m.broker_cpu_s or 0.0) - (m.postgres_cpu_s or 0.0), 0.0)


def per(value: float | None, seconds: float) -> str:
    return "-" if value is None else f"{value / seconds:.2f}"
