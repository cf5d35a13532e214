"""The closing check of every scenario: reconcile reports no drift, and every record the
producer got acknowledged ended as exactly one fact, counted duplicate or dead letter.

Dead letters are deduplicated by their origin (partition, offset): a consumer killed
after the dead-letter flush but before its database commit sends them again on restart,
which the design allows (dead letters are at-least-once, facts exactly-once)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from consumer.store.reconcile import reconcile_database
from producer.truth import TruthLine, read_truth
from tests.chaos.report import Outcome
from tests.commands import consumer_command
from tests.integration.harness import REPO, offsets, read_whole_topic


@dataclass(frozen=True)
class Expected:
    facts: set[str]
    duplicates: int
    dead: dict[tuple[int, int], str]  # (partition, offset) -> expected reason
    records: int
    unacked_valid: set[str]  # may or may not have reached the broker

    @classmethod
    def from_truth(cls, lines: Sequence[TruthLine]) -> Expected:
        acked = [line for line in lines if line["acked"]]
        return cls(
            facts={x["event_id"] for x in acked if x["valid"] and not x["duplicate"]},
            duplicates=sum(1 for x in acked if x["valid"] and x["duplicate"]),
            dead={
                (int(x["partition"] or 0), int(x["offset"] or 0)): str(x["expected_reason"])
                for x in acked
                if not x["valid"]
            },
            records=len(acked),
            unacked_valid={x["event_id"] for x in lines if not x["acked"] and x["valid"]},
        )

    @classmethod
    def from_truth_file(cls, path: Path) -> Expected:
        return cls.from_truth(read_truth(path))


def stored_event_ids(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        return {row[0] for row in conn.execute("select event_id::text from events")}


def dead_letters(bootstrap: str, dlq_topic: str) -> dict[tuple[int, int], str]:
    """The DLQ as origin (partition, offset) -> reason; replayed copies collapse."""
    letters: dict[tuple[int, int], str] = {}
    for letter in read_whole_topic(bootstrap, dlq_topic, timeout=120.0):
        headers: dict[str, Any] = dict(letter.headers)
        origin = (int(headers["pulse.origin.partition"]), int(headers["pulse.origin.offset"]))
        letters[origin] = bytes(headers["pulse.reason"]).decode()
    return letters


def reconcile_exit_code(bootstrap: str, database_url: str, log_dir: Path) -> int:
    # The scenario's own broker: the multi-broker cluster is not the stack's.
    result = subprocess.run(
        consumer_command("reconcile", database_url=database_url, bootstrap_servers=bootstrap),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    (log_dir / "reconcile.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return result.returncode


def check_database(outcome: Outcome, bootstrap: str, database_url: str, log_dir: Path) -> None:
    """Fill facts/duplicates/dead letters/drift from the database; reconcile must pass and
    the offsets table must balance: records read = facts + duplicates + dead letters."""
    rows = offsets(database_url)
    outcome.facts = sum(int(r[3]) for r in rows)
    outcome.duplicates = sum(int(r[4]) for r in rows)
    outcome.dead_letters = sum(int(r[5]) for r in rows)
    read = sum(int(r[2]) - int(r[1]) for r in rows)
    outcome.check(
        read == outcome.facts + outcome.duplicates + outcome.dead_letters,
        f"offsets do not balance: {read} read != {outcome.facts} facts + "
        f"{outcome.duplicates} duplicates + {outcome.dead_letters} dead letters",
    )
    outcome.drift = sum(result.drift for result in reconcile_database(database_url))
    code = reconcile_exit_code(bootstrap, database_url, log_dir)
    outcome.check(code == 0, f"`consumer reconcile` exited {code} (drift {outcome.drift})")


def check_against_truth(
    outcome: Outcome,
    expected: Expected,
    *,
    bootstrap: str,
    database_url: str,
    dlq_topic: str,
    log_dir: Path,
) -> None:
    """Everything `check_database` checks, plus equality with the producer's truth."""
    check_database(outcome, bootstrap, database_url, log_dir)
    outcome.events = expected.records
    stored = stored_event_ids(database_url)
    missing = expected.facts - stored
    surplus = stored - expected.facts - expected.unacked_valid
    outcome.check(not missing, f"{len(missing)} valid events lost, e.g. {sorted(missing)[:3]}")
    outcome.check(not surplus, f"{len(surplus)} facts not in the truth, e.g. {sorted(surplus)[:3]}")
    outcome.check(
        len(stored) == outcome.facts,
        f"events has {len(stored)} rows but partition_offsets counts {outcome.facts}",
    )
    if not expected.unacked_valid:
        outcome.check(
            outcome.duplicates == expected.duplicates,
            f"{outcome.duplicates} duplicates counted, truth says {expected.duplicates}",
        )
    letters = dead_letters(bootstrap, dlq_topic)
    lost = expected.dead.keys() - letters.keys()
    outcome.check(
        not lost, f"{len(lost)} invalid records not dead-lettered, e.g. {sorted(lost)[:3]}"
    )
    wrong = [k for k in expected.dead.keys() & letters.keys() if expected.dead[k] != letters[k]]
    outcome.check(not wrong, f"{len(wrong)} dead letters with another reason than the truth's")
    extra = letters.keys() - expected.dead.keys()
    outcome.check(
        not extra or bool(expected.unacked_valid),
        f"{len(extra)} dead letters for records the truth calls valid",
    )
