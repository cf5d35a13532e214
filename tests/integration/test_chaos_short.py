"""The short chaos scenarios (tests/chaos): crash loop, database outage, scale-out,
hostile input and the circuit breaker, each ending with reconcile = 0 drift and the
producer's ground truth balanced. `make chaos` runs the long versions of the same code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.chaos.context import ChaosContext, chaos_context
from tests.chaos.profiles import SHORT
from tests.chaos.report import Outcome, format_table
from tests.chaos.scenarios import (
    breaker,
    crash_loop,
    database_outage,
    hostile_input,
    scale_out,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def context(
    kafka_bootstrap: str, admin_database_url: str, tmp_path: Path
) -> Iterator[ChaosContext]:
    with chaos_context(kafka_bootstrap, admin_database_url, tmp_path) as ctx:
        yield ctx


@pytest.mark.parametrize(
    "scenario",
    [crash_loop.run, database_outage.run, scale_out.run, hostile_input.run, breaker.run],
    ids=["crash-loop", "database-outage", "scale-out", "hostile-input", "circuit-breaker"],
)
def test_short_scenario(
    context: ChaosContext, scenario: Callable[[ChaosContext, object], Outcome]
) -> None:
    outcome = scenario(context, SHORT)
    assert outcome.passed, format_table([outcome])
