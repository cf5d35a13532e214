"""The API's pure parts: ETag matching, paging, validation messages, the health figures,
route labels, money in JSON, settings errors and the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from api.app import create_app
from api.caching import etag_matches, etag_of
from api.health import consumer_health
from api.kafka_offsets import TopicOffsets
from api.metrics import UNMATCHED, route_template
from api.models.content import TopPage
from api.models.sales import MonthlySales
from api.paging import Paging, page_of
from api.settings import ApiSettings, load_api_settings
from api.validation import describe_validation_errors
from pulse.errors import ConfigError


def test_etag_matching_follows_if_none_match() -> None:
    tag = etag_of(b'{"a":1}')
    assert (tag[0], tag[-1]) == ('"', '"')
    assert etag_of(b'{"a":2}') != tag
    assert etag_matches(tag, tag)
    assert etag_matches(f'"other", W/{tag}', tag)  # weak comparison, a list
    assert etag_matches("*", tag)
    assert not etag_matches('"other"', tag)
    assert not etag_matches(None, tag)


def _pages(count: int) -> list[dict[str, Any]]:
    return [
        {"action_rank": i, "content_id": f"c-{i}", "author_id": "a", "category": "tech",
         "actions": 10 - i, "views": 0, "likes": 0, "comments": 0, "shares": 0, "edits": 0}
        for i in range(1, count + 1)
    ]  # fmt: skip


def test_a_page_knows_where_the_next_one_starts() -> None:
    rows = _pages(5)
    first = page_of(rows, TopPage, Paging(limit=2, offset=0))
    assert [p.content_id for p in first.items] == ["c-1", "c-2"]
    assert first.next_offset == 2
    last = page_of(rows, TopPage, Paging(limit=2, offset=4))
    assert [p.content_id for p in last.items] == ["c-5"]
    assert last.next_offset is None
    exact = page_of(rows, TopPage, Paging(limit=5, offset=0))
    assert exact.next_offset is None
    assert Paging(limit=2, offset=4).fetch == 7  # the page, and one more to know


def test_a_page_paged_in_sql_starts_at_its_first_row() -> None:
    rows = _pages(3)  # limit + 1 rows from the offset on
    page = page_of(rows, TopPage, Paging(limit=2, offset=10), paged_in_sql=True)
    assert [p.content_id for p in page.items] == ["c-1", "c-2"]
    assert page.next_offset == 12


def test_validation_errors_name_the_parameter_the_rule_and_the_input() -> None:
    message = describe_validation_errors([
        {"loc": ("query", "limit"), "msg": "Input should be less than or equal to 1000",
         "input": "5000"},
        {"loc": ("path", "post_id"), "msg": "String should have at least 1 character",
         "input": ""},
    ])  # fmt: skip
    assert message == (
        "query parameter 'limit': input should be less than or equal to 1000 (got '5000'); "
        "path parameter 'post_id': string should have at least 1 character (got '')"
    )


def test_lag_is_measured_from_the_ledger_and_kafkas_ends() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    progress = [
        {"kafka_partition": 0, "next_offset": 90, "updated_at": now - timedelta(seconds=4)},
        {"kafka_partition": 1, "next_offset": 50, "updated_at": now - timedelta(seconds=9)},
    ]
    newest = {"database_now": now, "newest_event_minute_at": now - timedelta(minutes=2)}
    # Partition 2 was never read: it lags by all Kafka keeps (from its beginning, 5).
    kafka = TopicOffsets({0: (0, 100), 1: (0, 50), 2: (5, 25)})
    health = consumer_health("t", newest, progress, kafka)
    assert [(p.partition, p.lag) for p in health.partitions] == [(0, 10), (1, 0), (2, 20)]
    assert health.lag == 30
    assert health.seconds_since_last_commit == 4.0
    assert health.freshness_seconds == 120.0
    away = consumer_health("t", newest, progress, TopicOffsets({}, "no answer"))
    assert (away.lag, away.kafka_error) == (None, "no answer")
    assert [p.next_offset for p in away.partitions] == [90, 50]


def test_routes_are_labelled_by_their_template() -> None:
    class Route:
        path = "/engagement/{post_id}"

    assert route_template({"type": "http", "route": Route()}) == "/engagement/{post_id}"
    assert route_template({"type": "http"}) == UNMATCHED


def test_money_is_an_exact_string_with_two_decimals() -> None:
    row = MonthlySales(
        month_start_date=datetime(2026, 1, 1).date(), currency="USD", orders=1,
        units_sold=1, revenue=Decimal("0"), average_order_value=Decimal("60.5"),
    )  # fmt: skip
    assert '"revenue":"0.00"' in row.model_dump_json()
    assert '"average_order_value":"60.50"' in row.model_dump_json()


def test_a_bad_setting_names_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_POOL_MAX_SIZE", "0")
    with pytest.raises(ConfigError, match="API_POOL_MAX_SIZE: Input should be greater"):
        load_api_settings()


def test_the_openapi_document_has_every_endpoint_with_typed_answers() -> None:
    app = create_app(ApiSettings(), registry=CollectorRegistry())
    paths = app.openapi()["paths"]
    assert "/metrics" not in paths
    for path, operation in paths.items():
        answer = operation["get"]["responses"]["200"]["content"]["application/json"]
        assert "$ref" in answer["schema"], path
        if path not in ("/", "/health"):
            invalid = operation["get"]["responses"]["422"]["content"]["application/json"]
            assert invalid["schema"]["$ref"].endswith("/InvalidParameterBody"), path
    app.state.kafka_offsets.close()


def test_every_api_setting_is_in_the_readme_with_its_default() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name, field in ApiSettings.model_fields.items():
        default = field.default
        shown = default.get_secret_value() if isinstance(default, SecretStr) else default
        assert f"| `{name.upper()}` | `{shown}` |" in readme, name
