"""Pulse itself: `python -m consumer run --exit-when-idle` on a fresh database, group and
dead-letter topic. Its rate is records / (last database commit - process start): start-up
(imports, migrations, group join) counts, the idle wait before exit does not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.common.child import free_port, python_module
from bench.common.profiling import py_spy_command
from bench.common.scratch import create_topic, delete_topics, scratch_database, unique_name
from bench.common.watch import ChildRun
from bench.peers.launch import Launched, launch
from bench.peers.measurement import Measurement, Workload
from bench.peers.pulse.metrics import LAST_COMMIT, RECORDS_TOTAL, MetricsProbe
from bench.peers.pulse.offsets import offset_totals
from bench.peers.pulse.wal import WalTotals, wal_totals


@dataclass(frozen=True, slots=True)
class FilledDatabase:
    """A database already holding facts (`bench.query --keep-as`): each run drains the
    topic into a fresh copy of it, to show what a grown database costs the consumer."""

    name: str
    facts: int
    size_bytes: int


class PulseConsumer:
    def __init__(
        self,
        *,
        aggregates: bool,
        profile_to: Path | None = None,
        filled: FilledDatabase | None = None,
    ) -> None:
        self.aggregates = aggregates
        self.profile_to = profile_to  # run under py-spy, collapsed stacks written here
        self.filled = filled
        what = "every aggregate" if aggregates else "facts only"
        self.name = f"Pulse, {what}" + (" (py-spy)" if profile_to else "")
        if filled is not None:
            self.name += f", on {filled.facts:,} facts ({filled.size_bytes / 2**30:.1f} GiB)"

    def command(self, workload: Workload, *, database_url: str, dlq: str, port: int) -> list[str]:
        args = [
            "run",
            "--bootstrap-servers", workload.settings.kafka_bootstrap_servers,
            "--topic", workload.topic,
            "--dlq-topic", dlq,
            # A catalog topic of its own that nothing creates: the catalog loop idles.
            "--catalog-topic", f"{workload.topic}.catalog",
            "--group", unique_name("bench-pulse-"),
            "--database-url", database_url,
            "--metrics-port", str(port),
            "--exit-when-idle", str(workload.exit_when_idle_s),
        ]  # fmt: skip
        if not self.aggregates:
            args.append("--no-aggregates")
        if self.profile_to is not None:
            return py_spy_command(self.profile_to, python_module("consumer", *args))
        return python_module("consumer", *args)

    def measure(self, workload: Workload, run: int) -> Measurement:
        kind = "aggregates" if self.aggregates else "facts"
        database = unique_name(f"pulse_bench_{kind}_")
        dlq = unique_name("bench.dlq.")
        bootstrap = workload.settings.kafka_bootstrap_servers
        create_topic(bootstrap, dlq, 1)
        try:
            template = self.filled.name if self.filled else None
            with scratch_database(workload.admin_database_url, database, template=template) as url:
                port = free_port()
                probe = MetricsProbe(port)
                # After the scratch database exists: copying a filled one checkpoints.
                wal_before = wal_totals(url)
                launched = launch(
                    self.command(workload, database_url=url, dlq=dlq, port=port),
                    workload,
                    stem=workload.workdir / f"pulse-{kind}-{run}",
                    database=database,
                    expected=workload.records,
                    progress=probe,
                )
                wal_after = wal_totals(url)
                totals = offset_totals(url, workload.topic)
        finally:
            delete_topics(bootstrap, [dlq])
        wal = wal_after.since(wal_before) if wal_before and wal_after else None
        return self._measurement(workload, run, launched, probe, totals, wal=wal)

    def _measurement(
        self,
        workload: Workload,
        run: int,
        launched: Launched,
        probe: MetricsProbe,
        totals: tuple[int, int, int, int],
        *,
        wal: WalTotals | None,
    ) -> Measurement:
        child = launched.child
        accounted, facts, duplicates, dead_lettered = totals
        last_commit, commit_seen = self._last_commit(probe, child, accounted)
        complete = child.exit_code == 0 and accounted == workload.records
        rss_at_percent = dict(child.rss_at_percent)
        if complete and 100 not in rss_at_percent and child.rss_samples:
            rss_at_percent[100] = child.rss_samples[-1][1]  # the last sample, at exit
        note = ""
        if not complete:
            why = child.stopped_because or f"exit code {child.exit_code}"
            note = f"incomplete ({why}): {accounted:,} of {workload.records:,} records"
            note += f"; log: {launched.log_tail(2)}"
        elif not commit_seen:
            note = "last commit not scraped: timed to the process exit (errs low)"
        values = probe.values
        return launched.measurement(
            self.name,
            run,
            records=accounted,
            seconds=last_commit - child.spawned_at,
            complete=complete,
            note=note,
            rss_at_percent=rss_at_percent,
            details={
                "facts": facts,
                "duplicates": duplicates,
                "dead_lettered": dead_lettered,
                "first_commit_s": (
                    probe.first_progress_at - child.spawned_at if probe.first_progress_at else None
                ),
                "last_commit_seen_by_scraper": commit_seen,
                "batches": values.get("pulse_batch_duration_seconds_count"),
                "batch_s": values.get("pulse_batch_duration_seconds_sum"),
                "db_transaction_s": values.get("pulse_db_transaction_duration_seconds_sum"),
                "retries": values.get("pulse_retries_total"),
                "rss_samples": child.rss_samples,
                # The whole server's, while this run was the only thing writing.
                "wal_full_page_images": wal.full_page_images if wal else None,
                "wal_bytes": wal.bytes if wal else None,
            },
        )

    @staticmethod
    def _last_commit(probe: MetricsProbe, child: ChildRun, accounted: int) -> tuple[float, bool]:
        """Wall time of the last commit, and whether the scraper saw it. The gauge is
        stamped just after each commit; but when the last batch took longer than the idle
        limit, the consumer exits right after committing it, before the next scrape. Then
        the exit time stands in: later than the commit, so the rate errs low, not high."""
        seen = int(probe.get(RECORDS_TOTAL) or 0)
        stamp = probe.get(LAST_COMMIT)
        if stamp and seen >= accounted:
            return stamp, True
        return child.ended_at, False
