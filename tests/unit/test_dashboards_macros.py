"""The Grafana emulation the dashboard tests rely on (tests/grafana.py): variables are
substituted and SQL macros expanded to exactly the text Grafana produces."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import grafana

FROM = datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)
TO = datetime(2024, 3, 1, 10, 5, 30, 250_000, tzinfo=UTC)


def expand(sql: str) -> str:
    return grafana.expand_sql_macros(sql, time_from=FROM, time_to=TO)


def test_time_filter_is_a_between_of_rfc3339_utc_literals() -> None:
    assert expand("where $__timeFilter(bucket_at)") == (
        "where bucket_at BETWEEN '2024-03-01T10:00:00Z' AND '2024-03-01T10:05:30.25Z'"
    )


def test_time_from_and_to_are_quoted_literals() -> None:
    assert expand("$__timeFrom()::date, $__timeTo()") == (
        "'2024-03-01T10:00:00Z'::date, '2024-03-01T10:05:30.25Z'"
    )


@pytest.mark.parametrize(
    ("interval", "seconds"), [("1m", "60"), ("'5m'", "300"), ("30s", "30"), ("500ms", "0.5")]
)
def test_time_group_alias_floors_epoch_seconds(interval: str, seconds: str) -> None:
    assert expand(f"select $__timeGroupAlias(minute_at, {interval}), 1") == (
        f'select floor(extract(epoch from minute_at)/{seconds})*{seconds} AS "time", 1'
    )


def test_an_unknown_macro_is_an_error() -> None:
    with pytest.raises(grafana.MacroError, match=r"\$__unixEpochFilter"):
        expand("where $__unixEpochFilter(ts)")


def test_variables_are_substituted_in_every_syntax_but_macros_are_left() -> None:
    text = "$__interval ${__interval_ms} [[topic]] $__timeFilter(x) ${topic:regex}"
    values = {"__interval": "1m", "__interval_ms": "60000", "topic": "t"}
    assert grafana.substitute_variables(text, values) == "1m 60000 t $__timeFilter(x) t"


def test_a_variable_without_a_value_is_an_error() -> None:
    with pytest.raises(KeyError, match=r"\$instance"):
        grafana.substitute_variables('up{instance=~"$instance"}', {})


def test_prometheus_regex_escapes_like_grafana() -> None:
    assert grafana.prometheus_regex("127.0.0.1:9108") == r"127\\.0\\.0\\.1:9108"
    assert grafana.prometheus_regex("a-b_c") == "a-b_c"
