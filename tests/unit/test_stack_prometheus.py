"""prometheus/prometheus.yml and alerts.yml, checked by Prometheus's own promtool.

`python -m stack up` installs Debian's prometheus package, which ships promtool; unit
tests may run before that, so a missing promtool fails here with the fix, never skips."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pulse.settings import Settings
from stack import prometheus
from stack.paths import PROMETHEUS_CONFIG, Layout

ALERTS = PROMETHEUS_CONFIG.parent / "alerts.yml"


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail(
            "promtool is missing: run `make up` (it installs Debian's prometheus package, "
            "which ships promtool) or `apt-get install -y prometheus`, then rerun the tests."
        )
    return found


def _check(*args: str) -> None:
    result = subprocess.run(
        [_promtool(), "check", *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_config() -> None:
    _check("config", str(PROMETHEUS_CONFIG))


def test_promtool_accepts_the_alert_rules() -> None:
    _check("rules", str(ALERTS))


def test_the_config_scrapes_the_default_consumer_metrics_endpoint() -> None:
    defaults = Settings()
    note = prometheus.scrape_target_note(
        metrics_host=defaults.metrics_host,
        metrics_port=defaults.metrics_port,
        config=PROMETHEUS_CONFIG,
    )
    assert note is None
    text = PROMETHEUS_CONFIG.read_text(encoding="utf-8")
    assert "job_name: pulse-consumer" in text
    assert "scrape_interval: 5s" in text


def test_a_moved_metrics_port_is_pointed_out() -> None:
    note = prometheus.scrape_target_note(
        metrics_host="0.0.0.0", metrics_port=9200, config=PROMETHEUS_CONFIG
    )
    assert note is not None
    assert "127.0.0.1:9200" in note


def test_command_line_uses_the_repo_config_and_stack_data(tmp_path: Path) -> None:
    argv = prometheus.command(Layout(tmp_path), binary="/usr/bin/prometheus")
    assert f"--config.file={PROMETHEUS_CONFIG}" in argv
    assert f"--storage.tsdb.path={tmp_path / 'prometheus' / 'data'}" in argv
    assert "--web.listen-address=127.0.0.1:9090" in argv
    assert "--web.enable-lifecycle" in argv
