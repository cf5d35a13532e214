"""One rate of the freshness benchmark: a fresh topic, database and Pulse consumer, the
project's live producer paced at the rate, the external probe and the lag sampler."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.common import procfs
from bench.common.child import REPO, child_env, free_port, log_tail, python_module, spawn
from bench.common.histogram import quantile, scrape_buckets
from bench.common.scratch import create_topic, delete_topics, scratch_database, unique_name
from bench.freshness.lag import LagSampler, rate_between
from bench.freshness.probe import FreshnessProbe
from bench.freshness.report import RateResult
from pulse.errors import PulseError
from pulse.settings import Settings

_FRESHNESS = "pulse_event_freshness_seconds"
_IDLE_S = 3.0


class FreshnessBenchError(PulseError, RuntimeError):
    """The consumer or the producer of a freshness run failed."""


def run_rate(
    settings: Settings,
    admin_url: str,
    *,
    rate: float,
    duration_s: float,
    warmup_s: float,
    partitions: int,
    probe_interval_s: float,
    workdir: Path,
) -> RateResult:
    """One rate on a fresh topic, dead-letter topic, database and consumer group."""
    bootstrap = settings.kafka_bootstrap_servers
    topic, dlq = unique_name("bench.freshness."), unique_name("bench.dlq.")
    create_topic(bootstrap, topic, partitions)
    create_topic(bootstrap, dlq, 1)
    stem = workdir / f"rate-{rate:.0f}"
    try:
        with scratch_database(admin_url, unique_name("pulse_bench_fresh_")) as url:
            port = free_port()
            command = python_module(
                "consumer", "run", "--bootstrap-servers", bootstrap, "--topic", topic,
                "--dlq-topic", dlq, "--catalog-topic", f"{topic}.catalog",
                "--group", unique_name("bench-fresh-"),
                "--database-url", url, "--metrics-port", str(port),
            )  # fmt: skip
            child = spawn(command, stdout=stem.with_suffix(".consumer.log"))
            try:
                result = _measure(
                    settings, topic=topic, url=url, port=port, rate=rate,
                    duration_s=duration_s, warmup_s=warmup_s, partitions=partitions,
                    probe_interval_s=probe_interval_s, stem=stem,
                )  # fmt: skip
            finally:
                cpu_s = _stop(child)
            result.consumer_cpu_s = cpu_s
            return result
    finally:
        delete_topics(bootstrap, [topic, dlq])


def _measure(
    settings: Settings,
    *,
    topic: str,
    url: str,
    port: int,
    rate: float,
    duration_s: float,
    warmup_s: float,
    partitions: int,
    probe_interval_s: float,
    stem: Path,
) -> RateResult:
    bootstrap = settings.kafka_bootstrap_servers
    probe = FreshnessProbe(
        bootstrap_servers=bootstrap, topic=topic, database_url=url, interval_s=probe_interval_s
    )
    lag = LagSampler(
        bootstrap_servers=bootstrap, topic=topic, partitions=partitions, database_url=url
    )
    probe.start()
    lag.start()
    try:
        if not probe.wait_until_seen(3, timeout_s=120):
            raise FreshnessBenchError(
                "the consumer never made a marker visible within 120 s; its log: "
                + log_tail(stem.with_suffix(".consumer.log"), 3)
            )
        ready_at = time.monotonic()
        time.sleep(_IDLE_S)  # markers alone: the floor, with no other traffic
        produce_from, busy_from = time.monotonic(), procfs.machine_busy_s()
        produced = _produce(
            bootstrap, topic, rate=rate, duration_s=duration_s, partitions=partitions, stem=stem
        )
        produce_to, busy_to = time.monotonic(), procfs.machine_busy_s()
        # Markers stop with the producer: a marker in flight would keep the lag above 0.
        probe.stop()
        drain_s = _wait_for_drain(lag, after=produce_to, timeout_s=60.0)
        buckets = scrape_buckets(port, _FRESHNESS)
    finally:
        probe.stop()
        lag.stop()
    measured_from = produce_from + warmup_s
    markers = probe.markers()
    loaded = [m for m in markers if measured_from <= m.sent_at <= produce_to]
    during = [s for s in lag.samples if measured_from <= s.at <= produce_to]
    after = [s for s in lag.samples if s.at >= produce_to]
    return RateResult(
        rate=rate,
        achieved_rate=rate_between(lag.samples, measured_from, produce_to),
        producer_exit_code=produced,
        freshness_s=[m.freshness_s for m in loaded if m.freshness_s is not None],
        markers_lost=sum(m.seen_at is None for m in loaded),
        idle_freshness_s=[
            m.freshness_s
            for m in markers
            if ready_at <= m.sent_at < produce_from and m.freshness_s is not None
        ],
        max_lag=max((s.lag for s in during), default=None),
        lag_at_end=after[0].lag if after else None,
        drain_s=drain_s,
        # The markers are a week old: they all fall in the +Inf bucket, which is left out.
        consumer_quantiles_s={
            f"p{q}": quantile([b for b in buckets if b[0] != math.inf], q / 100)
            for q in (50, 95, 99)
        },
        machine_busy_cores=(busy_to - busy_from) / (produce_to - produce_from),
        events=lag.samples[-1].produced if lag.samples else 0,
        poll_s=probe.poll_s,
    )


def _produce(
    bootstrap: str, topic: str, *, rate: float, duration_s: float, partitions: int, stem: Path
) -> int:
    """The project's live producer at `rate` for `duration_s`; returns its exit code."""
    command = python_module(
        "producer", "--live", "--rate", str(rate), "--duration", str(duration_s),
        "--topic", topic, "--bootstrap-servers", bootstrap, "--partitions", str(partitions),
        "--seed", "1", "--no-progress", "--no-catalog",
    )  # fmt: skip
    with stem.with_suffix(".producer.log").open("wb") as log:
        done = subprocess.run(
            command, cwd=REPO, env=child_env(), stdout=log, stderr=log, check=False
        )
    return done.returncode


def _wait_for_drain(lag: LagSampler, *, after: float, timeout_s: float) -> float | None:
    """Seconds from `after` until the first lag sample that shows nothing left; None
    on timeout."""
    deadline = after + timeout_s
    while time.monotonic() < deadline:
        drained = next((s for s in lag.samples if s.at >= after and s.lag == 0), None)
        if drained is not None:
            return drained.at - after
        time.sleep(0.2)
    return None


def _stop(child: subprocess.Popen[bytes], grace_s: float = 20.0) -> float | None:
    """SIGTERM (the consumer finishes its batch and exits), SIGKILL after `grace_s`;
    returns the child's CPU seconds from wait4's rusage (None if it was reaped already)."""
    child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while True:
        try:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return float(usage.ru_utime + usage.ru_stime)
        if time.monotonic() > deadline:
            child.kill()
            deadline = float("inf")
        time.sleep(0.1)
