"""Raw kafka-python consumption with JSON decoding: the ceiling for any Python consumer."""

from __future__ import annotations

from bench.contenders._child import REPO, child_env, log_tail, python_module, read_result
from bench.measurement import Measurement, Workload
from bench.scratch import unique_name
from bench.watch import watch


class RawConsumption:
    name = "raw kafka-python + json.loads"

    def measure(self, workload: Workload, run: int) -> Measurement:
        stem = workload.workdir / f"raw-{run}"
        command = python_module(
            "bench.baselines.raw_consumer",
            "--bootstrap-servers", workload.settings.kafka_bootstrap_servers,
            "--topic", workload.topic,
            "--group", unique_name("bench-raw-"),
            "--records", str(workload.records),
        )  # fmt: skip
        child = watch(
            command,
            cwd=REPO,
            env=child_env(),
            stdout_path=stem.with_suffix(".out"),
            log_path=stem.with_suffix(".log"),
            database=None,
            expected=workload.records,
        )
        result = read_result(stem.with_suffix(".out"))
        complete = child.exit_code == 0 and result is not None
        records = int(result["records"]) if result else 0
        # From process start, like Pulse: interpreter start-up and group join included.
        seconds = float(result["done_at"]) - child.spawned_at if result else 0.0
        return Measurement(
            contender=self.name,
            run=run,
            records=records,
            seconds=seconds,
            cpu_s=child.cpu_s,
            peak_rss_bytes=child.peak_rss_bytes,
            broker_cpu_s=child.broker_cpu_s,
            postgres_cpu_s=None,
            complete=complete,
            note="" if complete else f"failed: {log_tail(stem.with_suffix('.log'))}",
            details={
                "decoded": result.get("decoded") if result else None,
                "value_bytes": result.get("value_bytes") if result else None,
                "first_record_s": (
                    float(result["first_record_at"]) - child.spawned_at
                    if result and result.get("first_record_at")
                    else None
                ),
                "machine_busy_s": child.machine_busy_s,
                "process_s": child.ended_at - child.spawned_at,
                "exit_code": child.exit_code,
                "stopped_because": child.stopped_because,
            },
        )
