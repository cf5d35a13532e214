"""What one rate of the freshness benchmark measured, and its Markdown report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.common.histogram import percentile
from bench.common.results import machine_line, ms

TARGET_RATE, TARGET_P99_S = 5000.0, 1.0


@dataclass(slots=True)
class RateResult:
    rate: float  # asked of the producer
    achieved_rate: float | None  # records/s on the topic in the measured window
    producer_exit_code: int
    freshness_s: list[float]  # of the probe's markers sent in the measured window
    markers_lost: int  # of those, never seen
    idle_freshness_s: list[float]  # markers sent before the producer started
    max_lag: int | None  # records, in the measured window
    lag_at_end: int | None  # at the first sample after the producer stopped
    drain_s: float | None  # from the producer's end to zero lag
    consumer_quantiles_s: dict[str, float | None] = field(default_factory=dict)
    events: int = 0  # records on the topic at the end (markers included)
    poll_s: float = 0.01
    consumer_cpu_s: float | None = None
    machine_busy_cores: float | None = None  # all cores' busy CPU s per s while producing

    def p(self, q: float) -> float | None:
        return percentile(self.freshness_s, q)

    def kept_up(self) -> bool:
        """The lag when the producer stopped was under one second of the traffic that
        was really produced."""
        return (
            self.lag_at_end is not None
            and self.achieved_rate is not None
            and self.lag_at_end <= self.achieved_rate
        )

    def producer_fell_short(self) -> bool:
        return self.achieved_rate is None or self.achieved_rate < 0.9 * self.rate

    def one_line(self) -> str:
        return (
            f"achieved {self.achieved_rate or 0:,.0f}/s, probe p50/p95/p99 "
            f"{ms(self.p(50))}/{ms(self.p(95))}/{ms(self.p(99))} ms over "
            f"{len(self.freshness_s)} markers, max lag {self.max_lag}, drain {self.drain_s}"
        )


def render(
    started_at: datetime,
    details: dict[str, Any],
    results: Sequence[RateResult],
    *,
    duration_s: float,
    warmup_s: float,
) -> str:
    lines = [
        f"# Freshness benchmark, {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"For each rate: a fresh topic, database and consumer group; Pulse (`python -m "
        f"consumer run`, every aggregate) running; the project's live producer (`python -m "
        f"producer --live --rate R`) for {duration_s:g} s, the first {warmup_s:g} s not "
        "measured. **Probe**: every ~0.2 s (jittered) a marker page_view whose occurred_at "
        "falls in a minute of its own, a week back where no other event lands, is sent "
        "(acks=all, no linger) while another thread polls `event_counts_per_minute` for that "
        "minute every 10 ms; freshness = wall time from just before the send to the first "
        "poll that sees it (so it includes the produce round trip, and up to one poll "
        "interval too much). **Consumer's histogram**: `pulse_event_freshness_seconds` "
        "(commit time minus occurred_at of a sample of every batch, from the consumer's "
        "own clock), estimated from its buckets, the markers (a week old, all in the +Inf "
        "bucket) left out; it starts at the event's creation, the probe at its send. "
        + machine_line(details),
        "",
        "| rate asked | achieved | markers | probe p50 ms | p95 ms | p99 ms | max ms "
        "| consumer's p50 / p95 / p99 ms | max lag | lag at end | drained in s "
        "| kept up | consumer CPU s / 1k | machine busy (cores) |",
        "| ---: " * 7 + "| --- " + "| ---: " * 3 + "| --- | ---: | ---: |",
    ]
    for r in results:
        consumer = " / ".join(ms(r.consumer_quantiles_s.get(f"p{q}")) for q in (50, 95, 99))
        lost = f" ({r.markers_lost} lost)" if r.markers_lost else ""
        short = " (short)" if r.producer_fell_short() else ""
        cpu = (
            "-"
            if not r.consumer_cpu_s or not r.events
            else f"{r.consumer_cpu_s * 1000 / r.events:.3f}"
        )
        lines.append(
            f"| {r.rate:,.0f} | {_rate(r.achieved_rate)}{short} "
            f"| {len(r.freshness_s)}{lost} "
            f"| {ms(r.p(50))} | {ms(r.p(95))} | {ms(r.p(99))} "
            f"| {ms(max(r.freshness_s) if r.freshness_s else None)} | {consumer} "
            f"| {_int(r.max_lag)} | {_int(r.lag_at_end)} "
            f"| {'-' if r.drain_s is None else f'{r.drain_s:.1f}'} "
            f"| {'yes' if r.kept_up() else '**no**'} | {cpu} "
            f"| {'-' if r.machine_busy_cores is None else f'{r.machine_busy_cores:.2f}'} |"
        )
    return "\n".join([*lines, "", *_notes(results)])


def _notes(results: Sequence[RateResult]) -> list[str]:
    idle = [s for r in results for s in r.idle_freshness_s]
    lines = []
    if idle:
        lines.append(
            f"With no other traffic (markers in the 3 s before the producer started, "
            f"{len(idle)} of them) the probe sees p50 {ms(percentile(idle, 50))} ms and max "
            f"{ms(max(idle))} ms: the floor set by the batch's minimum age (a free writer) and "
            "one transaction."
        )
    target = next((r for r in results if r.rate == TARGET_RATE), None)
    if target is not None and target.p(99) is not None:
        p99 = target.p(99) or 0.0
        verdict = "**PASS**" if p99 < TARGET_P99_S and target.kept_up() else "**FAIL**"
        if target.producer_fell_short():
            verdict = "not measured (the producer did not reach 5,000 events/s)"
        lines.append(
            f"Target (issue 9): freshness p99 < 1 s at 5,000 events/s: probe p99 "
            f"{ms(p99)} ms, achieved {_rate(target.achieved_rate)} events/s: {verdict}."
        )
    failed = [r for r in results if r.producer_exit_code != 0]
    if failed:
        lines.append(
            "The producer exited with an error at "
            + ", ".join(f"{r.rate:,.0f}/s" for r in failed)
            + ": see its log."
        )
    lines.append(
        'Achieved rates include the probe\'s ~5 markers/s. "(short)": the producer reached '
        "less than 90 % of the asked rate (the machine has 2 cores for producer, broker, "
        'consumer and PostgreSQL); the row then measures the rate it reached. "Kept up": '
        "the lag when the producer stopped was under one second of the achieved rate."
    )
    return [" ".join(lines)]


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _int(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
