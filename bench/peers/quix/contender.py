"""The peer Quix Streams: a Quix app (bench/peers/quix/child.py, in its own venv) that
validates the events against Pulse's contract, counts them per minute and event type in a
tumbling event-time window and upserts the counts with Quix's PostgreSQL sink. It reads
the benchmark topic itself. Its rate is records / (sink flushed after the last record -
process start): interpreter and Quix start-up count, as Pulse's do."""

from __future__ import annotations

import re
import shutil

from kafka.admin import KafkaAdminClient

from bench.common.scratch import delete_topics, scratch_database, unique_name
from bench.peers.launch import Launched, launch
from bench.peers.measurement import Measurement, Workload
from bench.peers.quix.venv import ensure_venv, quix_versions

_SUMMARY_LINE = re.compile(r"^(valid events|duplicates)\s+([\d,]+)\s*$", re.MULTILINE)


def valid_with_duplicates(preload_summary: str) -> int | None:
    """Valid events plus exact duplicates, from the simulator's summary of the pre-load
    (bench/common/preload.py keeps it in the workdir): what a count that does not dedupe on
    event_id must add up to. None when the summary does not say."""
    found = {
        name: int(number.replace(",", ""))
        for name, number in _SUMMARY_LINE.findall(preload_summary)
    }
    if set(found) != {"valid events", "duplicates"}:
        return None
    return found["valid events"] + found["duplicates"]


class QuixCounts:
    name = "Quix Streams + PostgreSQL sink (counts per minute and type)"

    def measure(self, workload: Workload, run: int) -> Measurement:
        python = ensure_venv()
        stem = workload.workdir / f"quix-{run}"
        settings = workload.settings
        bootstrap = settings.kafka_bootstrap_servers
        group = unique_name("bench-quix-")
        database = unique_name("pulse_bench_quix_")
        state_dir = stem.with_suffix(".state")
        try:
            with scratch_database(workload.admin_database_url, database) as url:
                command = [
                    str(python), "-m", "bench.peers.quix.child",
                    "--bootstrap-servers", bootstrap,
                    "--topic", workload.topic,
                    "--group", group,
                    "--database-url", url,
                    "--state-dir", str(state_dir),
                    "--late-horizon-days", str(settings.late_horizon_days),
                    "--clock-skew-seconds", str(settings.clock_skew_seconds),
                    "--max-event-bytes", str(settings.max_event_bytes),
                    "--max-seconds", str(workload.max_seconds),
                ]  # fmt: skip
                launched = launch(
                    command, workload, stem=stem, database=database, expected=workload.records
                )
        finally:
            delete_topics(bootstrap, _internal_topics(bootstrap, group))
            shutil.rmtree(state_dir, ignore_errors=True)
        summary = workload.workdir / "preload.log"
        expected = valid_with_duplicates(
            summary.read_text(encoding="utf-8", errors="replace") if summary.exists() else ""
        )
        measurement = self._measurement(run, launched, expected)
        measurement.details["logs"] = str(stem)
        measurement.details["versions"] = quix_versions()
        return measurement

    def _measurement(self, run: int, launched: Launched, expected: int | None) -> Measurement:
        child, result = launched.child, launched.result()
        done_at = result.get("done_at") if result else None
        counted = int(result["counted"]) if result else 0
        accepted = int(result["accepted"]) if result else 0
        # Complete: every record read, and the counts in the table add up to the records
        # the app accepted (no window, repartition or sink loss).
        complete = (
            child.exit_code == 0 and result is not None and done_at is not None
            and counted == accepted
        )  # fmt: skip
        records = int(result["records"]) if result else 0
        seconds = float(done_at) - child.spawned_at if done_at else 0.0
        first_row_at = result.get("first_row_at") if result else None
        startup = float(first_row_at) - child.spawned_at if first_row_at else None
        steady = None
        # Rows land at each 5 s checkpoint: a first row seen at the very end says nothing
        # about a rate after it.
        if first_row_at and done_at and complete and float(done_at) - float(first_row_at) >= 1:
            steady = records / (float(done_at) - float(first_row_at))
        if result is not None and done_at is not None:
            check = (
                "the simulator's valid + duplicates could not be read"
                if expected is None
                else f"= valid + duplicates ({expected:,}) as expected"
                if counted == expected
                else f"!= valid + duplicates ({expected:,}): off by {counted - expected:+,}"
            )
            note = (
                f"{result['rows']:,} rows; counts sum to {counted:,} of {accepted:,} valid "
                f"records {check} (no dedup on event_id: a duplicate counts twice); "
                + (
                    f"first rows {startup:.0f} s after start (the sink writes at each 5 s "
                    f"checkpoint), then {steady:,.0f} events/s"
                    if startup is not None and steady is not None
                    else "every row written at the final checkpoint"
                )
            )
            if counted != accepted:
                note = f"LOST COUNTS: {note}"
        else:
            note = f"failed: {(result or {}).get('failure') or launched.log_tail()}"
        return launched.measurement(
            self.name,
            run,
            records=records,
            seconds=seconds,
            complete=complete,
            note=note,
            details={
                "rows": result.get("rows") if result else None,
                "accepted": accepted,
                "counted": counted,
                "valid_plus_duplicates": expected,
                "first_row_s": startup,
                "events_per_s_after_first_row": steady,
                "rss_samples": child.rss_samples,
            },
        )


def _internal_topics(bootstrap_servers: str, group: str) -> list[str]:
    """Quix's repartition and changelog topics of this run (their names hold the group)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="pulse-bench")
    try:
        return [name for name in admin.list_topics() if group in name]
    finally:
        admin.close()
