"""The stack's API service (stack/api.py), as `make up`, `status` and `down` drive it: a
real `python -m api` started detached with a pid file, probed, reported and stopped."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from stack import api
from stack.errors import PortInUseError
from stack.paths import Layout
from stack.process import is_alive, read_pid
from stack.service import State
from tests.databases import as_role, scratch_database
from tests.integration import harness
from tests.integration.test_database_roles import READER_ROLE_URL

pytestmark = pytest.mark.integration


@pytest.fixture
def reader_url(admin_database_url: str) -> Iterator[str]:
    with scratch_database(admin_database_url, "pulse_stack_api") as url:
        harness.migrate(url)
        yield as_role(url, READER_ROLE_URL)


# `up` leaves the API running detached, as it must for `make up`: its Popen object then
# goes away while the process runs, which Python reports as a ResourceWarning.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_up_status_and_down(
    reader_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_DATABASE_URL", reader_url)
    layout, port = Layout(tmp_path / ".stack"), harness.free_port()
    started = api.up(layout=layout, host="127.0.0.1", port=port)
    pid = read_pid(layout.api_pid)
    try:
        assert started.state is State.HEALTHY
        assert started.pid == pid
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).json()["database"]["ok"]
        assert api.status(layout=layout, host="127.0.0.1", port=port).state is State.HEALTHY
        again = api.up(layout=layout, host="127.0.0.1", port=port)  # a second `make up`
        assert again.pid == pid
    finally:
        api.down(layout=layout, port=port)
    assert pid is not None
    assert not is_alive(pid)
    assert not layout.api_pid.exists()
    assert api.status(layout=layout, host="127.0.0.1", port=port).state is State.DOWN


def test_a_port_held_by_someone_else_is_reported_not_taken(tmp_path: Path) -> None:
    layout = Layout(tmp_path / ".stack")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert api.status(layout=layout, host="127.0.0.1", port=port).state is State.NOT_OURS
        with pytest.raises(PortInUseError, match=f"API port {port} is in use by"):
            api.up(layout=layout, host="127.0.0.1", port=port)
