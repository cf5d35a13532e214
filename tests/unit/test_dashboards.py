"""The Grafana dashboards and provisioning as files: well-formed, diffable, consistent
with each other and with docker-compose.yml. Whether each query returns data is proven
against the live services in tests/integration/test_dashboards_live.py."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import grafana

COMPOSE = grafana.REPO / "docker-compose.yml"
PROMETHEUS_CONFIG = grafana.REPO / "prometheus" / "prometheus.yml"
DASHBOARDS = grafana.load_dashboards()
TARGETS = grafana.all_targets()
PROMETHEUS_TARGETS = [t for t in TARGETS if t.datasource_type == grafana.PROMETHEUS_TYPE]
SQL_TARGETS = [t for t in TARGETS if t.datasource_type == grafana.POSTGRES_TYPE]


def _compose_service(name: str) -> dict[str, Any]:
    services: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))[
        "services"
    ]
    return services[name]


def _mounts(service: str) -> dict[str, str]:
    """Container path -> repo path of a compose service's bind mounts."""
    mounts: dict[str, str] = {}
    for volume in _compose_service(service).get("volumes", []):
        host, container, *_ = str(volume).split(":")
        mounts[container] = host
    return mounts


def _repo_path(compose_path: str) -> Path:
    return (COMPOSE.parent / compose_path).resolve()


def test_there_are_an_operations_and_a_business_dashboard() -> None:
    assert set(DASHBOARDS) == {"operations.json", "business.json"}
    kinds = {
        name: {t.datasource_type for t in TARGETS if t.dashboard == name} for name in DASHBOARDS
    }
    assert kinds == {
        "operations.json": {grafana.PROMETHEUS_TYPE},
        "business.json": {grafana.POSTGRES_TYPE},
    }


@pytest.mark.parametrize("path", grafana.dashboard_files(), ids=lambda p: p.name)
def test_dashboard_json_is_formatted_for_diffs(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    canonical = json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    assert text == canonical, (
        f"{path.name} is not formatted with indent 2 and sorted keys: rewrite it with "
        "json.dumps(data, indent=2, sort_keys=True) plus a final newline"
    )


def test_dashboard_uids_and_titles_are_unique() -> None:
    uids = Counter(board["uid"] for board in DASHBOARDS.values())
    titles = Counter(board["title"] for board in DASHBOARDS.values())
    assert max(uids.values()) == 1, uids
    assert max(titles.values()) == 1, titles
    for board in DASHBOARDS.values():
        # Grafana's limit; the uid is the stable part of the dashboard's URL.
        assert re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", board["uid"])


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_panel_ids_are_unique(name: str) -> None:
    ids = Counter(panel.get("id") for panel in grafana.panels(DASHBOARDS[name]))
    assert None not in ids, "every panel needs an id"
    duplicates = {panel_id: n for panel_id, n in ids.items() if n > 1}
    assert not duplicates, f"{name}: duplicate panel ids {duplicates}"


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_every_panel_has_a_title_a_description_and_a_query(name: str) -> None:
    for panel in grafana.query_panels(DASHBOARDS[name]):
        where = f"{name}: panel {panel.get('id')} {panel.get('title')!r}"
        assert panel.get("title"), f"{where} has no title"
        assert panel.get("description"), f"{where} has no description (the question it answers)"
        assert panel.get("targets"), f"{where} has no target: it would show No data"
        refs = [target.get("refId") for target in panel["targets"]]
        assert all(refs), f"{where}: a target has no refId"
        assert len(set(refs)) == len(refs), f"{where}: duplicate refIds {refs}"
    for target in grafana.targets(name, DASHBOARDS[name]):
        assert target.text.strip(), f"{target.name} has an empty query"


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_panels_do_not_overlap(name: str) -> None:
    taken: dict[tuple[int, int], int] = {}
    for panel in grafana.panels(DASHBOARDS[name]):
        pos = panel["gridPos"]
        assert pos["x"] >= 0, f"panel {panel['id']} starts left of the dashboard"
        assert pos["x"] + pos["w"] <= 24, f"panel {panel['id']} is wider than the dashboard"
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in taken, f"panels {taken[(x, y)]} and {panel['id']} overlap"
                taken[(x, y)] = panel["id"]


def test_every_datasource_reference_is_provisioned_with_its_type() -> None:
    provisioned = grafana.provisioned_datasources()
    assert set(provisioned) == {"pulse-prometheus", "pulse-postgres"}
    references: list[tuple[str, dict[str, Any]]] = []
    for name, board in DASHBOARDS.items():
        for panel in grafana.query_panels(board):
            where = f"{name}: panel {panel['id']}"
            references.append((where, panel["datasource"]))
            references += [(where, t["datasource"]) for t in panel["targets"] if "datasource" in t]
        for variable in board.get("templating", {}).get("list", []):
            if "datasource" in variable:
                references.append((f"{name}: variable {variable['name']}", variable["datasource"]))
    for where, ref in references:
        assert isinstance(ref, dict), f"{where}: reference data sources by {{type, uid}}"
        assert ref.get("uid") in provisioned, f"{where}: data source uid {ref.get('uid')!r}"
        assert ref.get("type") == provisioned[ref["uid"]]["type"], f"{where}: type of {ref}"


def test_prometheus_rates_use_rate_interval() -> None:
    for target in PROMETHEUS_TARGETS:
        ranges = re.findall(r"\[([^\]]*)\]", target.text)
        assert all(r == "$__rate_interval" for r in ranges), (
            f"{target.name}: range {ranges} — use [$__rate_interval], which Grafana keeps "
            "at four scrape intervals or more"
        )
        functions = re.findall(r"\b(rate|irate|increase|delta|deriv)\s*\(", target.text)
        assert len(functions) <= len(ranges), target.name


def test_prometheus_queries_follow_the_dashboard_variables() -> None:
    operations = DASHBOARDS["operations.json"]
    variables = {v["name"] for v in operations["templating"]["list"]}
    assert variables == {"instance", "topic"}
    used: set[str] = set()
    for target in PROMETHEUS_TARGETS:
        selectors = re.findall(r"\b(\w+)\{([^}]*)\}", target.text)
        assert selectors, f"{target.name} selects no series"
        for metric, labels in selectors:
            assert 'job="pulse-consumer"' in labels, f"{target.name}: {metric} without the job"
            assert 'instance=~"$instance"' in labels, f"{target.name}: {metric} ignores $instance"
            if "topic" in labels:
                assert 'topic=~"$topic"' in labels, target.name
        used |= set(re.findall(r"\$(\w+)", target.text)) & variables
    assert used == variables, f"variables no panel uses: {variables - used}"


def test_the_topic_variable_offers_the_topics_of_the_selected_consumers() -> None:
    variables = {v["name"]: v for v in DASHBOARDS["operations.json"]["templating"]["list"]}
    assert variables["instance"]["definition"] == 'label_values(up{job="pulse-consumer"}, instance)'
    assert "$instance" in variables["topic"]["definition"]
    for variable in variables.values():
        assert variable["includeAll"], variable["name"]
        assert variable["allValue"] == ".*", variable["name"]
        # The classic string form, which Grafana parses into its own editor model.
        assert variable["query"] == variable["definition"]


def test_sql_panels_use_only_the_emulated_macros_and_no_facts_table() -> None:
    assert SQL_TARGETS
    for target in SQL_TARGETS:
        assert target.format in ("table", "time_series"), target.name
        text = grafana.substitute_variables(
            target.text, {"__interval": "1m", "__interval_ms": "60000"}
        )
        grafana.expand_sql_macros(
            text,
            time_from=datetime(2024, 1, 1, tzinfo=UTC),
            time_to=datetime(2024, 1, 8, tzinfo=UTC),
        )
        # Panels read the aggregates and views, which stay fast as facts pile up.
        assert not re.search(r"\bfrom\s+events\b", target.text), target.name
        if target.format == "time_series":
            assert '"time"' in text or "$__timeGroupAlias" in text, (
                f"{target.name}: a time series needs a column named time"
            )


def test_datasource_provisioning_matches_compose_and_prometheus() -> None:
    sources = grafana.provisioned_datasources()
    prometheus = sources["pulse-prometheus"]
    assert prometheus["type"] == grafana.PROMETHEUS_TYPE
    assert prometheus["url"] == "http://prometheus:9090"
    assert "9090:9090" in _compose_service("prometheus")["ports"]
    scrape = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))["global"]
    # Grafana's $__rate_interval is derived from this: it must be the real scrape interval.
    assert prometheus["jsonData"]["timeInterval"] == scrape["scrape_interval"]

    postgres = sources["pulse-postgres"]
    env = _compose_service("postgres")["environment"]
    assert postgres["type"] == grafana.POSTGRES_TYPE
    assert postgres["url"] == "postgres:5432"
    # The read-only role, never the owner (POSTGRES_USER): Grafana runs an editor's SQL.
    assert postgres["user"] == "pulse_reader" != env["POSTGRES_USER"]
    # Its password comes from Grafana's environment, which compose fills from the host's.
    assert postgres["secureJsonData"]["password"] == "$PULSE_READER_PASSWORD"
    grafana_env = _compose_service("grafana")["environment"]
    assert grafana_env["PULSE_READER_PASSWORD"] == env["PULSE_READER_PASSWORD"]
    assert env["PULSE_READER_PASSWORD"] == "${PULSE_READER_PASSWORD:-pulse_reader}"
    assert postgres["jsonData"]["database"] == env["POSTGRES_DB"]
    assert set(_compose_service("grafana")["depends_on"]) >= {"prometheus", "postgres"}


def test_provisioning_paths_match_the_compose_mounts() -> None:
    mounts = _mounts("grafana")
    assert _repo_path(mounts["/etc/grafana/provisioning"]) == grafana.PROVISIONING.resolve()
    providers_dir = grafana.PROVISIONING / "dashboards"
    providers = [
        provider
        for path in sorted(providers_dir.glob("*.y*ml"))
        for provider in yaml.safe_load(path.read_text(encoding="utf-8"))["providers"]
    ]
    assert providers, f"no dashboard provider in {providers_dir}"
    for provider in providers:
        container_path = provider["options"]["path"]
        assert container_path in mounts, f"provider path {container_path} is not mounted"
        assert _repo_path(mounts[container_path]) == grafana.DASHBOARDS.resolve()
    assert list((grafana.PROVISIONING / "datasources").glob("*.y*ml"))


def test_prometheus_rule_files_are_inside_the_mounted_config_directory() -> None:
    mounts = _mounts("prometheus")
    config_dir = _repo_path(mounts["/etc/prometheus"])
    assert config_dir == PROMETHEUS_CONFIG.parent.resolve()
    command = _compose_service("prometheus")["command"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in command
    rule_files = yaml.safe_load(PROMETHEUS_CONFIG.read_text(encoding="utf-8"))["rule_files"]
    assert rule_files == ["alerts.yml"]
    for rule_file in rule_files:
        # Relative to prometheus.yml both locally and in the container.
        assert (config_dir / rule_file).is_file(), rule_file
