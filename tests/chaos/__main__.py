"""`python -m tests.chaos [--profile short|long] [--only NAME ...]`: run the chaos
scenarios against the local stack (or KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL) and print
one row per scenario. Exit 1 if any scenario failed."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from pulse.settings import Settings
from tests.chaos.context import chaos_context
from tests.chaos.profiles import PROFILES
from tests.chaos.report import Outcome, format_table
from tests.chaos.scenarios.registry import SCENARIOS


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="long")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), default=None)
    parser.add_argument("--work-dir", type=Path, default=None, help="truth files and logs")
    args = parser.parse_args(argv)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    settings = Settings()
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="pulse-chaos-"))
    profile = PROFILES[args.profile]
    print(f"chaos ({profile.name}): truth files and logs in {work_dir}", flush=True)
    outcomes: list[Outcome] = []
    for name in args.only or list(SCENARIOS):
        print(f"==> {name} ...", flush=True)
        started = time.monotonic()
        with chaos_context(
            settings.kafka_bootstrap_servers,
            settings.migrations_database_url.get_secret_value(),  # creates databases
            work_dir,
        ) as context:
            try:
                outcome = SCENARIOS[name](context, profile)
            except Exception as exc:  # a scenario that crashes is a failed row, not a stop
                outcome = Outcome(name, problems=[f"{type(exc).__name__}: {exc}"])
                outcome.seconds = time.monotonic() - started
        print(f"    {'PASS' if outcome.passed else 'FAIL'} in {outcome.seconds:.0f} s", flush=True)
        outcomes.append(outcome)
    print(format_table(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
