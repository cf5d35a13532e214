"""What Grafana does with the repo's dashboards, without Grafana: read the provisioned data
sources and dashboard JSON, walk every panel's queries, and turn a query into the text
Grafana would send, by substituting dashboard variables and expanding the SQL macros.

The macro expansion follows Grafana's PostgreSQL macro engine
(pkg/tsdb/grafana-postgresql-datasource/macros.go): the same `$name(args)` pattern, the
same output text. Only the macros the dashboards use are implemented ($__timeFilter,
$__timeFrom, $__timeTo, $__timeGroupAlias); any other one is an error here, so a new
macro in a panel cannot go untested."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
GRAFANA = REPO / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
PROVISIONING = GRAFANA / "provisioning"

PROMETHEUS_TYPE = "prometheus"
POSTGRES_TYPE = "grafana-postgresql-datasource"


@dataclass(frozen=True)
class Target:
    """One query of one panel, with the data source it runs on."""

    dashboard: str
    panel_id: int
    panel_title: str
    panel_type: str
    ref_id: str
    datasource_uid: str
    datasource_type: str
    text: str  # PromQL `expr` or SQL `rawSql`
    format: str | None  # SQL only: "table" or "time_series"

    @property
    def name(self) -> str:
        return f"{self.dashboard}: panel {self.panel_id} {self.panel_title!r} query {self.ref_id}"


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARDS.glob("*.json"))


def load_dashboard(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_dashboards() -> dict[str, dict[str, Any]]:
    """File name -> dashboard."""
    return {path.name: load_dashboard(path) for path in dashboard_files()}


def panels(dashboard: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, rows included, and the panels folded inside collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def query_panels(dashboard: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The panels that show data (everything but rows)."""
    return (panel for panel in panels(dashboard) if panel.get("type") != "row")


def targets(name: str, dashboard: Mapping[str, Any]) -> list[Target]:
    found: list[Target] = []
    for panel in query_panels(dashboard):
        panel_ds = panel.get("datasource") or {}
        for target in panel.get("targets", []):
            ds = target.get("datasource") or panel_ds
            text = target.get("expr") if "expr" in target else target.get("rawSql")
            found.append(
                Target(
                    dashboard=name,
                    panel_id=int(panel["id"]),
                    panel_title=str(panel.get("title", "")),
                    panel_type=str(panel.get("type", "")),
                    ref_id=str(target.get("refId", "")),
                    datasource_uid=str(ds.get("uid", "")),
                    datasource_type=str(ds.get("type", "")),
                    text=str(text or ""),
                    format=target.get("format"),
                )
            )
    return found


def all_targets() -> list[Target]:
    return [t for name, board in load_dashboards().items() for t in targets(name, board)]


def provisioned_datasources() -> dict[str, dict[str, Any]]:
    """uid -> data source, from every file in provisioning/datasources."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((PROVISIONING / "datasources").glob("*.y*ml")):
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in config.get("datasources", []):
            found[str(source["uid"])] = source
    return found


# Variables ---------------------------------------------------------------------------

# $name, ${name} and ${name:format}, and the deprecated [[name]]; a name followed by "("
# is a macro, which only the data source expands.
_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)(?!\w|\()|\[\[(\w+)\]\]")


def substitute_variables(text: str, values: Mapping[str, str]) -> str:
    """Replaces the dashboard and global variables in `values`; any other variable left
    in the text is an error (Grafana would send it verbatim and the query would fail)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        if name not in values:
            raise KeyError(f"variable ${name} has no value here: add it to the test's values")
        return values[name]

    return _VARIABLE.sub(replace, text)


def prometheus_regex(value: str) -> str:
    """A variable value as Grafana puts it into a PromQL regex matcher (`=~"$var"`):
    regex metacharacters escaped, backslashes doubled for the string literal."""
    escaped = re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", value)
    return escaped.replace("\\", "\\\\")


# SQL macros --------------------------------------------------------------------------

# Grafana's pattern: no nested parentheses inside a macro's arguments.
_MACRO = re.compile(r"\$([_a-zA-Z0-9]+)\(([^\)]*)\)")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$")
_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86_400.0,
    "w": 604_800.0,
    "y": 31_536_000.0,
}


class MacroError(ValueError):
    """A macro Grafana would reject, or one this emulation does not implement."""


def interval_seconds(text: str) -> float:
    """Grafana's interval syntax ("500ms", "10s", "5m", "1h", "1d")."""
    match = _DURATION.match(text.strip().strip("'"))
    if match is None:
        raise MacroError(f"cannot parse interval {text!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def _rfc3339(moment: datetime) -> str:
    """Go's time.RFC3339Nano in UTC: no trailing zeros in the fraction, a Z suffix."""
    utc = moment.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def _go_float(value: float) -> str:
    """Go's %v of a float64, as Grafana formats interval seconds (60 -> "60")."""
    return f"{value:g}"


def expand_sql_macros(sql: str, *, time_from: datetime, time_to: datetime) -> str:
    """The SQL that Grafana's PostgreSQL data source runs for this time range."""

    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        args = [arg.strip() for arg in match.group(2).split(",")]
        if name == "__timeFilter":
            if not args[0]:
                raise MacroError("$__timeFilter needs a time column")
            return f"{args[0]} BETWEEN '{_rfc3339(time_from)}' AND '{_rfc3339(time_to)}'"
        if name == "__timeFrom":
            return f"'{_rfc3339(time_from)}'"
        if name == "__timeTo":
            return f"'{_rfc3339(time_to)}'"
        if name == "__timeGroupAlias":
            if len(args) != 2:  # a third argument (fill mode) is not emulated
                raise MacroError("$__timeGroupAlias takes a time column and an interval here")
            seconds = _go_float(interval_seconds(args[1]))
            return f'floor(extract(epoch from {args[0]})/{seconds})*{seconds} AS "time"'
        raise MacroError(f"macro ${name} is not emulated by tests/grafana.py: implement it")

    return _MACRO.sub(expand, sql)
