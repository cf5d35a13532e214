"""The alert rules, checked and unit-tested by Prometheus's own promtool: the rule file
is valid, loads with the scrape config, and each alert fires exactly when
prometheus/alerts.test.yml says it should.

promtool ships with Debian's prometheus package, which `make up` installs; when it is
missing these tests fail with that fix, never skip."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "prometheus"
CONFIG = PROMETHEUS_DIR / "prometheus.yml"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
ALERT_TESTS = PROMETHEUS_DIR / "alerts.test.yml"
REQUIRED_ALERTS = {
    "PulseConsumerDown",
    "PulseConsumerLagGrowing",
    "PulseDeadLetterShareHigh",
    "PulseEventFreshnessHigh",
    "PulseNoRecentCommit",
    "PulseRecordsRejectedByDatabase",
    "PulseOffsetGapCommitted",
}


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(
            "promtool is missing: run `make up` (it installs Debian's prometheus package, "
            "which ships promtool) or `apt-get install -y prometheus`, then rerun the tests."
        )
    # cwd: alerts.test.yml names its rule file relative to itself.
    return subprocess.run(
        [binary, *args],
        cwd=PROMETHEUS_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _alert_names() -> list[str]:
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    return [rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule]


def test_promtool_check_config_loads_the_rules_too() -> None:
    result = _promtool("check", "config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alerts.yml" in result.stdout, "prometheus.yml does not load alerts.yml"


def test_promtool_check_rules_with_lint() -> None:
    result = _promtool("check", "rules", "--lint=all", "--lint-fatal", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_test_rules() -> None:
    result = _promtool("test", "rules", str(ALERT_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_required_and_unit_tested() -> None:
    names = _alert_names()
    assert len(names) == len(set(names)), names
    assert set(names) >= REQUIRED_ALERTS
    tests = yaml.safe_load(ALERT_TESTS.read_text(encoding="utf-8"))["tests"]
    firing = {
        case["alertname"]
        for group in tests
        for case in group.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert firing == set(names), f"alerts never shown to fire: {set(names) - firing}"


def test_every_alert_has_severity_summary_and_description() -> None:
    groups = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"]
    for rule in (r for g in groups for r in g["rules"] if "alert" in r):
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["annotations"]["description"], rule["alert"]
        assert rule.get("for"), f"{rule['alert']} fires on a single evaluation"
