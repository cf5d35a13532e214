"""The scenarios in the order `make chaos` runs them, by the name the table shows."""

from __future__ import annotations

from collections.abc import Callable

from tests.chaos.context import ChaosContext
from tests.chaos.profiles import Profile
from tests.chaos.report import Outcome
from tests.chaos.scenarios import (
    breaker,
    broker_restart,
    crash_loop,
    database_outage,
    hostile_input,
    long_run,
    multi_broker,
    poison_crash,
    scale_out,
)

Scenario = Callable[[ChaosContext, Profile], Outcome]

SCENARIOS: dict[str, Scenario] = {
    crash_loop.NAME: crash_loop.run,
    database_outage.NAME: database_outage.run,
    broker_restart.NAME: broker_restart.run,
    scale_out.NAME: scale_out.run,
    hostile_input.NAME: hostile_input.run,
    breaker.NAME: breaker.run,
    long_run.NAME: long_run.run,
    multi_broker.NAME: multi_broker.run,
    poison_crash.NAME: poison_crash.run,
}
