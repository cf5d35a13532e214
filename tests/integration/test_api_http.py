"""The HTTP side of the API, on an empty migrated database (no data is needed to be
wrong): bad input answered with what is wrong, ETag revalidation, HEAD. The figures on
real data are test_api.py's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.databases import as_role, scratch_database
from tests.integration import harness
from tests.integration.api_server import api_server
from tests.integration.test_database_roles import READER_ROLE_URL

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(
    admin_database_url: str, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    logs: Path = tmp_path_factory.mktemp("api-http")
    with scratch_database(admin_database_url, "pulse_api_http") as url:
        harness.migrate(url)
        with (
            api_server(
                reader_url=as_role(url, READER_ROLE_URL), kafka_bootstrap=kafka_bootstrap,
                topic="api.none", log_dir=logs,
            ) as server,
            httpx.Client(base_url=server.url, timeout=10) as client,
        ):  # fmt: skip
            yield client


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "status", "phrases"),
    [
        ("/engagement/c-nope", {}, 404, ["post 'c-nope' not found"]),
        ("/author/a-nobody/trends", {}, 404, ["author 'a-nobody' not found"]),
        ("/users/u-nobody/history", {}, 404, ["user 'u-nobody' not found"]),
        ("/users/active", {"as_of": "2026-13-01"}, 422, ["'as_of'", "month", "2026-13-01"]),
        ("/users/active", {"as_of": "yesterday"}, 422, ["'as_of'", "valid date"]),
        ("/categories/top", {"limit": "-1"}, 422, ["'limit'", "greater than or equal to 1"]),
        ("/pages/top", {"limit": "5000"}, 422, ["'limit'", "less than or equal to 1000"]),
        ("/users/top", {"offset": "-3"}, 422, ["'offset'", "greater than or equal to 0"]),
        ("/actions/trends", {"days": "many"}, 422, ["'days'", "valid integer", "many"]),
        ("/funnel", {"days": "0"}, 422, ["'days'", "greater than or equal to 1"]),
        ("/no/such/thing", {}, 404, ["Not Found"]),
    ],
)
def test_bad_input_is_answered_with_what_is_wrong(
    api: httpx.Client, path: str, params: dict[str, str], status: int, phrases: list[str]
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == status, response.text
    body = response.json()
    message = body.get("message") or body.get("detail")
    for phrase in phrases:
        assert phrase in message, body


# -- caching ------------------------------------------------------------------------------


def test_etag_revalidation_answers_304(api: httpx.Client) -> None:
    first = api.get("/categories/top")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=0"
    again = api.get("/categories/top", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = api.get("/categories/top", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.json() == first.json()


def test_head_answers_like_get_without_the_body(api: httpx.Client) -> None:
    get = api.get("/categories/top")
    head = api.head("/categories/top")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))
    assert api.head("/engagement/c-nope").status_code == 404
