"""Raw kafka-python consumption with JSON decoding (bench/peers/raw/child.py): the ceiling
for any Python consumer. Timed from process start, like Pulse."""

from __future__ import annotations

from bench.common.child import python_module
from bench.common.scratch import unique_name
from bench.peers.launch import launch
from bench.peers.measurement import Measurement, Workload


class RawConsumption:
    name = "raw kafka-python + json.loads"

    def measure(self, workload: Workload, run: int) -> Measurement:
        command = python_module(
            "bench.peers.raw.child",
            "--bootstrap-servers", workload.settings.kafka_bootstrap_servers,
            "--topic", workload.topic,
            "--group", unique_name("bench-raw-"),
            "--records", str(workload.records),
        )  # fmt: skip
        launched = launch(
            command,
            workload,
            stem=workload.workdir / f"raw-{run}",
            database=None,
            expected=workload.records,
        )
        child, result = launched.child, launched.result()
        complete = child.exit_code == 0 and result is not None
        records = int(result["records"]) if result else 0
        # From process start, like Pulse: interpreter start-up and group join included.
        seconds = float(result["done_at"]) - child.spawned_at if result else 0.0
        return launched.measurement(
            self.name,
            run,
            records=records,
            seconds=seconds,
            complete=complete,
            note="" if complete else f"failed: {launched.log_tail()}",
            details={
                "decoded": result.get("decoded") if result else None,
                "value_bytes": result.get("value_bytes") if result else None,
                "first_record_s": (
                    float(result["first_record_at"]) - child.spawned_at
                    if result and result.get("first_record_at")
                    else None
                ),
            },
        )
