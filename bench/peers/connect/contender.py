"""The peer: Kafka Connect (standalone) with the Debezium JDBC sink, upserting facts into a
fresh database. It reads its own JSON-with-schema copy of the topic (see
bench/peers/connect/envelope.py), made before the clock starts. Its rate is records / (last
partition's sentinel row seen in the table - worker start): JVM start-up counts, as
Pulse's start-up does."""

from __future__ import annotations

from bench.common.child import python_module
from bench.common.scratch import create_topic, delete_topics, scratch_database, unique_name
from bench.peers.connect.envelope import Copied, copy_topic
from bench.peers.connect.libs import ensure_libs, jar_version
from bench.peers.connect.worker import BATCH_SIZE
from bench.peers.launch import Launched, launch
from bench.peers.measurement import Measurement, Workload

# Jars whose versions go into the report's JSON next to the figures.
_VERSIONED = ("connect-runtime", "debezium-connector-jdbc", "postgresql", "hibernate-core")


class ConnectJdbcSink:
    name = "Kafka Connect + Debezium JDBC sink"

    def measure(self, workload: Workload, run: int) -> Measurement:
        stem = workload.workdir / f"connect-{run}"
        libs = ensure_libs()
        bootstrap = workload.settings.kafka_bootstrap_servers
        topic, dlq = unique_name("bench.connect."), unique_name("bench.connect.dlq.")
        create_topic(bootstrap, topic, workload.partitions)
        create_topic(bootstrap, dlq, 1)
        database = unique_name("pulse_bench_connect_")
        try:
            copied = copy_topic(
                bootstrap_servers=bootstrap, source=workload.topic, target=topic,
                partitions=workload.partitions, records=workload.records,
            )  # fmt: skip
            with scratch_database(workload.admin_database_url, database) as url:
                command = python_module(
                    "bench.peers.connect.child",
                    "--bootstrap-servers", bootstrap,
                    "--topic", topic,
                    "--dlq-topic", dlq,
                    "--database-url", url,
                    "--sentinels", ",".join(copied.sentinels),
                    "--libs", str(libs),
                    "--workdir", str(stem),
                    "--max-seconds", str(workload.max_seconds),
                )  # fmt: skip
                launched = launch(
                    command, workload, stem=stem, database=database, expected=workload.records
                )
        finally:
            delete_topics(bootstrap, [topic, dlq])
        measurement = self._measurement(run, launched, copied)
        measurement.details["versions"] = {name: jar_version(libs, name) for name in _VERSIONED}
        return measurement

    def _measurement(self, run: int, launched: Launched, copied: Copied) -> Measurement:
        child, result = launched.child, launched.result()
        done_at = result.get("done_at") if result else None
        complete = child.exit_code == 0 and result is not None and done_at is not None
        records = seconds = 0.0
        if result is not None and done_at is not None:
            records, seconds = result["records"], float(done_at) - float(result["started_at"])
        first_row_at = result.get("first_row_at") if result else None
        steady = None
        if result is not None and complete and first_row_at is not None:
            steady = float(records) / max(float(done_at) - float(first_row_at), 1e-3)  # type: ignore[arg-type]
        if result is not None and complete:
            note = (
                f"{result['rows']:,} rows, {result['dead_lettered']:,} dead-lettered; its topic "
                f"{copied.value_bytes / 1e6:,.0f} MB with the schema in every record; "
                f"start-up {float(first_row_at or done_at) - float(result['started_at']):.0f} s, "  # type: ignore[arg-type]
                f"then {steady or 0:,.0f} events/s from its first row to its last"
            )
        else:
            note = f"failed: {(result or {}).get('failure') or launched.log_tail()}"
        return launched.measurement(
            self.name,
            run,
            records=int(records),
            seconds=seconds,
            # The worker's own CPU (JVM), without the Python wrapper that waits for it.
            cpu_s=float(result["worker_cpu_s"]) if result else None,
            complete=complete,
            note=note,
            details={
                "rows": result.get("rows") if result else None,
                "first_row_s": (
                    float(first_row_at) - float(result["started_at"])
                    if result and first_row_at
                    else None
                ),
                "events_per_s_after_first_row": steady,
                "dead_lettered": result.get("dead_lettered") if result else None,
                "enveloped_records": copied.wrapped,
                "topic_value_bytes": copied.value_bytes,
                "batch_size": BATCH_SIZE,
                "worker_exit_code": result.get("worker_exit_code") if result else None,
                "logs": str(launched.stem),
            },
        )
