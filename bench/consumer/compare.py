"""Pulse against the peer tools measured in the same invocation: the ratio of events/s,
run by run (both figures from the same run, so the machine's noise hits both), the issue's
target of at least twice the Kafka Connect rate, and the versions each peer ran."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bench.peers.measurement import Measurement

MIN_RATIO_TO_CONNECT = 2.5  # issue 17; issue 4 asked for 2x


def ratios_by_run(measurements: Sequence[Measurement], mine: str, peer: str) -> list[float]:
    """mine / peer events/s for every run in which both completed."""
    rates: dict[tuple[str, int], float] = {
        (m.contender, m.run): m.events_per_s
        for m in measurements
        if m.complete and m.events_per_s > 0
    }
    return [
        rates[(mine, run)] / rates[(peer, run)]
        for run in sorted({run for _, run in rates})
        if (mine, run) in rates and (peer, run) in rates
    ]


def peer_versions(measurements: Sequence[Measurement], peer: str) -> dict[str, str]:
    """What the peer reported in details["versions"] (jar or package -> version), from its
    first measurement that has them; unknown versions left out."""
    for m in measurements:
        versions = m.details.get("versions")
        if m.contender == peer and isinstance(versions, dict):
            return {str(name): str(v) for name, v in versions.items() if v}
    return {}


def other_peers(measurements: Sequence[Measurement], but: str) -> list[str]:
    """Contenders other than `but` that report versions, i.e. peer tools, in report order."""
    return list(
        dict.fromkeys(
            m.contender
            for m in measurements
            if m.contender != but and isinstance(m.details.get("versions"), dict)
        )
    )


def peer_section(measurements: Sequence[Measurement], pulse: Sequence[str], peer: str) -> list[str]:
    """Markdown lines: against `peer` (the target is about it), then against every other
    peer tool that was measured, one row per Pulse configuration; none if no peer ran."""
    lines = _against(measurements, pulse, peer, target=MIN_RATIO_TO_CONNECT)
    for other in other_peers(measurements, but=peer):
        lines += _against(measurements, pulse, other, target=None)
    return lines


def _against(
    measurements: Sequence[Measurement], pulse: Sequence[str], peer: str, *, target: float | None
) -> list[str]:
    goal = f" target >= {target:g}x |" if target is not None else ""
    lines = [
        f"## Pulse against {peer}",
        "",
        f"| Pulse configuration | events/s ratio (median of runs) | runs |{goal}",
        "| --- | ---: | ---: |" + (" --- |" if target is not None else ""),
    ]
    header = len(lines)
    for name in pulse:
        ratios = ratios_by_run(measurements, name, peer)
        if not ratios:
            continue
        median = statistics.median(ratios)
        row = f"| {name} | {median:.2f}x | {len(ratios)} |"
        if target is not None:
            row += " **PASS** |" if median >= target else " **FAIL** |"
        lines.append(row)
    if len(lines) == header:
        return []
    if versions := peer_versions(measurements, peer):
        named = ", ".join(f"{name} {version}" for name, version in versions.items())
        lines += ["", f"Versions: {named}."]
    return [*lines, ""]
