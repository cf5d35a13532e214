"""The naive consumer of the seed pipelines (one INSERT + COMMIT per event), capped at the
first `workload.naive_limit` records and extrapolated."""

from __future__ import annotations

from bench.contenders._child import REPO, child_env, log_tail, python_module, read_result
from bench.measurement import Measurement, Workload
from bench.scratch import scratch_database, unique_name
from bench.watch import watch


class NaiveConsumer:
    name = "naive: INSERT + COMMIT per event"

    def measure(self, workload: Workload, run: int) -> Measurement:
        stem = workload.workdir / f"naive-{run}"
        limit = min(workload.naive_limit, workload.records)
        database = unique_name("pulse_bench_naive_")
        with scratch_database(workload.admin_database_url, database) as url:
            command = python_module(
                "bench.baselines.naive_consumer",
                "--bootstrap-servers", workload.settings.kafka_bootstrap_servers,
                "--topic", workload.topic,
                "--group", unique_name("bench-naive-"),
                "--database-url", url,
                "--limit", str(limit),
            )  # fmt: skip
            child = watch(
                command,
                cwd=REPO,
                env=child_env(),
                stdout_path=stem.with_suffix(".out"),
                log_path=stem.with_suffix(".log"),
                database=database,
                expected=limit,
            )
        result = read_result(stem.with_suffix(".out"))
        complete = child.exit_code == 0 and result is not None
        records = int(result["records"]) if result else 0
        # Steady state only (first record to last commit): the rate is extrapolated.
        seconds = float(result["done_at"]) - float(result["first_record_at"]) if result else 0.0
        note = (
            f"first {records:,} records only, rate extrapolated"
            if complete
            else f"failed: {log_tail(stem.with_suffix('.log'))}"
        )
        return Measurement(
            contender=self.name,
            run=run,
            records=records,
            seconds=seconds,
            cpu_s=child.cpu_s,
            peak_rss_bytes=child.peak_rss_bytes,
            broker_cpu_s=child.broker_cpu_s,
            postgres_cpu_s=child.postgres_cpu_s,
            complete=complete,
            note=note,
            details={
                "inserted": result.get("inserted") if result else None,
                "skipped": result.get("skipped") if result else None,
                "refused": result.get("refused") if result else None,
                "postgres_server_cpu_s": child.postgres_server_cpu_s,
                "machine_busy_s": child.machine_busy_s,
                "process_s": child.ended_at - child.spawned_at,
                "exit_code": child.exit_code,
                "stopped_because": child.stopped_because,
            },
        )
