"""What the producer-driven scenarios share: the fault mix and the closing check."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from tests.chaos.context import ChaosContext
from tests.chaos.report import Outcome
from tests.chaos.verdict import Expected, check_against_truth

# Every fault kind the producer knows, at rates that give hundreds of each per 20k events.
FAULTS = ("--defects-ratio", "0.002", "--duplicate-ratio", "0.02", "--late-ratio", "0.01")


def group() -> str:
    return f"chaos-{uuid.uuid4().hex[:8]}"


def log_dir(context: ChaosContext, scenario: str) -> Path:
    path = context.work_dir / f"{scenario}-{uuid.uuid4().hex[:6]}"
    path.mkdir(parents=True)
    return path


def finish(
    outcome: Outcome,
    context: ChaosContext,
    *,
    truth: Path,
    database_url: str,
    dlq_topic: str,
    logs: Path,
    started: float,
) -> Outcome:
    check_against_truth(
        outcome,
        Expected.from_truth_file(truth),
        bootstrap=context.bootstrap,
        database_url=database_url,
        dlq_topic=dlq_topic,
        log_dir=logs,
    )
    outcome.seconds = time.monotonic() - started
    if not outcome.passed:
        outcome.problems.append(f"logs in {logs}")
    return outcome
