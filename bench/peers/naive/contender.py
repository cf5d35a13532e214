"""The naive consumer of the seed pipelines (bench/peers/naive/child.py: one INSERT +
COMMIT per event), capped at the first `workload.naive_limit` records and extrapolated."""

from __future__ import annotations

from bench.common.child import python_module
from bench.common.scratch import scratch_database, unique_name
from bench.peers.launch import launch
from bench.peers.measurement import Measurement, Workload


class NaiveConsumer:
    name = "naive: INSERT + COMMIT per event"

    def measure(self, workload: Workload, run: int) -> Measurement:
        limit = min(workload.naive_limit, workload.records)
        database = unique_name("pulse_bench_naive_")
        with scratch_database(workload.admin_database_url, database) as url:
            command = python_module(
                "bench.peers.naive.child",
                "--bootstrap-servers", workload.settings.kafka_bootstrap_servers,
                "--topic", workload.topic,
                "--group", unique_name("bench-naive-"),
                "--database-url", url,
                "--limit", str(limit),
            )  # fmt: skip
            launched = launch(
                command,
                workload,
                stem=workload.workdir / f"naive-{run}",
                database=database,
                expected=limit,
            )
        result = launched.result()
        complete = launched.child.exit_code == 0 and result is not None
        records = int(result["records"]) if result else 0
        # Steady state only (first record to last commit): the rate is extrapolated.
        seconds = float(result["done_at"]) - float(result["first_record_at"]) if result else 0.0
        note = (
            f"first {records:,} records only, rate extrapolated"
            if complete
            else f"failed: {launched.log_tail()}"
        )
        return launched.measurement(
            self.name,
            run,
            records=records,
            seconds=seconds,
            complete=complete,
            note=note,
            details={
                "inserted": result.get("inserted") if result else None,
                "skipped": result.get("skipped") if result else None,
                "refused": result.get("refused") if result else None,
            },
        )
