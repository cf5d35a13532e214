"""Scenario 5: hostile records from hypothesis (through kafka-python) and from kcat (a
real non-Python client). The consumer never crashes; every record is stored or
dead-lettered with a reason; injected SQL stays inert data, stored verbatim where valid.

The expected fate of each record comes from the consumer's own decode_event, run here
in-process: the scenario tests what the running consumer does with it (crash, stall,
store, dead-letter), not the contract's rules, which the unit tests cover."""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from consumer.ingest.decode import Rejection, decode_event
from pulse.contract import TimeWindow
from pulse.settings import Settings
from tests.chaos.context import ChaosContext
from tests.chaos.hostile import SQL_INJECTIONS, HostileFactory, draw_pool
from tests.chaos.processes import start_consumer
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios.common import group, log_dir
from tests.chaos.verdict import check_database, stored_event_ids
from tests.integration.harness import Record, produce, read_whole_topic

NAME = "hostile input"
PARTITIONS = 3
KCAT_SHARE = 0.2
# A delimiter the generated records are checked not to contain.
_KCAT_DELIMITER = b"\x1e\x1f\x1e\x1fPULSE\x1f\x1e"


def ensure_kcat() -> str:
    """kcat's path; installs Debian's package when it is missing (root only)."""
    found = shutil.which("kcat")
    if found:
        return found
    print("kcat is missing: installing Debian's package with `apt-get install -y kcat` ...")
    subprocess.run(["apt-get", "install", "-y", "kcat"], check=True, timeout=600)
    found = shutil.which("kcat")
    if not found:
        raise RuntimeError("apt-get ran but kcat is still not on PATH: install kcat, then retry.")
    return found


def produce_with_kcat(bootstrap: str, topic: str, values: list[bytes], work: Path) -> None:
    path = work / "kcat-input.bin"
    path.write_bytes(_KCAT_DELIMITER.join(values))
    delimiter = "".join(f"\\x{byte:02x}" for byte in _KCAT_DELIMITER)
    subprocess.run(
        [ensure_kcat(), "-P", "-b", bootstrap, "-t", topic, "-D", delimiter, "-l", str(path)],
        check=True,
        timeout=600,
    )


def run(context: ChaosContext, profile: Profile, *, seed: int = 5) -> Outcome:
    started = time.monotonic()
    logs = log_dir(context, "hostile")
    topic = context.topic("hostile", PARTITIONS)
    dlq = context.topic("hostile-dlq", 1)
    db = context.database()
    rng = random.Random(seed)
    factory = HostileFactory(draw_pool(1000), rng)
    values = [factory.make() for _ in range(profile.hostile_records)]

    settings = Settings()
    window = TimeWindow(
        datetime.now(UTC),
        timedelta(days=settings.late_horizon_days),
        timedelta(seconds=settings.clock_skew_seconds),
    )
    decoded = [decode_event(v, window=window, max_bytes=settings.max_event_bytes) for v in values]
    valid = {
        str(d.event_id): v
        for d, v in zip(decoded, values, strict=True)
        if not isinstance(d, Rejection)
    }
    reasons = Counter(d.reason.value for d in decoded if isinstance(d, Rejection))

    # Chosen by position, not identity: equal bytes may be one shared object.
    to_kcat = [rng.random() < KCAT_SHARE and _KCAT_DELIMITER not in v and v != b"" for v in values]
    via_kcat = [v for v, chosen in zip(values, to_kcat, strict=True) if chosen]
    produce(
        context.bootstrap,
        topic,
        [
            Record(b"hostile", v, None)
            for v, chosen in zip(values, to_kcat, strict=True)
            if not chosen
        ],
    )
    produce_with_kcat(context.bootstrap, topic, via_kcat, logs)

    outcome = Outcome(NAME, events=len(values), faults=f"{len(via_kcat):,} via kcat")
    consumer = start_consumer(
        bootstrap=context.bootstrap,
        database_url=db,
        topic=topic,
        dlq_topic=dlq,
        group=group(),
        log_dir=logs,
        exit_when_idle_s=5.0,
        # Nine records in ten are invalid here on purpose: the poison-pill circuit
        # breaker would rightly pause the stream, so it is switched off (1 = off).
        env={"BREAKER_MAX_DEAD_LETTER_SHARE": "1"},
    )
    code = consumer.wait(timeout=1800)
    outcome.check(code == 0, f"the consumer exited {code}: see {consumer.log_path}")
    check_database(outcome, context.bootstrap, db, logs)
    outcome.check(
        outcome.facts + outcome.duplicates + outcome.dead_letters == len(values),
        f"{len(values)} produced != facts + duplicates + dead letters",
    )
    stored = stored_event_ids(db)
    outcome.check(
        stored == valid.keys(), f"{len(stored ^ valid.keys())} facts differ from the valid records"
    )
    letters = read_whole_topic(context.bootstrap, dlq, timeout=120.0)
    by_origin = {
        (dict(x.headers)["pulse.origin.partition"], dict(x.headers)["pulse.origin.offset"]): bytes(
            dict(x.headers)["pulse.reason"]
        ).decode()
        for x in letters
    }
    outcome.check(
        Counter(by_origin.values()) == reasons,
        f"dead-letter reasons {dict(Counter(by_origin.values()))} != expected {dict(reasons)}",
    )
    _check_inert(outcome, db, valid)
    outcome.seconds = time.monotonic() - started
    if not outcome.passed:
        outcome.problems.append(f"logs in {logs}")
    return outcome


def _check_inert(outcome: Outcome, db: str, valid: dict[str, bytes]) -> None:
    """The injected SQL did nothing: the tables are there, and each stored injection string
    is in the events table, byte for byte."""
    with psycopg.connect(db) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'public'"
            )
        }
        outcome.check(
            {"events", "partition_offsets", "user_activity"} <= tables,
            "a table is missing after the SQL-injection records",
        )
        injected_ids = [i for i, v in valid.items() if any(s.encode() in v for s in SQL_INJECTIONS)]
        rows = conn.execute(
            "select event_id::text, concat_ws('|', user_id, session_id, city, country,"
            " search_query, content_id, category) from events where event_id = any(%s::uuid[])",
            (injected_ids,),
        ).fetchall()
    found = sum(1 for _, text in rows if any(s in text for s in SQL_INJECTIONS))
    outcome.check(
        found == len(injected_ids),
        f"{len(injected_ids) - found} stored injection strings were altered",
    )
    outcome.faults += f", {len(injected_ids)} SQL injections stored"
