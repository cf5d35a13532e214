"""`make demo`'s main job runs end to end on the real stack and its numbers add up."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.integration.harness import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_demo_runs_producer_and_consumer_and_prints_where_to_look() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stack", "demo", "--seconds", "12", "--rate", "100"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "events/s | stored" in out
    assert "activity.events:" in out
    assert "(adds up)" in out
    assert "DOES NOT ADD UP" not in out
    # Readers are pointed at the read-only role, never the consumer's or the owner's.
    assert "psql 'postgresql://pulse_reader:pulse_reader@127.0.0.1:5432/pulse'" in out
    assert "pulse_consumer:" not in out
    assert "http://127.0.0.1:9108/metrics" in out
    assert "http://127.0.0.1:9090" in out
    assert "http://127.0.0.1:8000 (docs http://127.0.0.1:8000/docs)" in out
