"""The local stack's PostgreSQL runs with Pulse's server settings: `make up` wrote
`conf.d/pulse.conf` from the stack settings, and the running server took every value
from that file (a server started before it was written was restarted)."""

from __future__ import annotations

import psycopg
import pytest

from stack import postgres
from stack.config import load_stack_settings
from stack.postgres_tuning import CONF_NAME

pytestmark = pytest.mark.integration


def test_the_running_server_uses_the_settings_make_up_wrote(admin_database_url: str) -> None:
    cluster = postgres.find_cluster()
    if cluster is None:
        pytest.skip("PostgreSQL is not the local stack's Debian cluster (containers)")
    tuning = load_stack_settings().postgres_tuning()
    conf = cluster.config_dir / "conf.d" / CONF_NAME
    assert conf.read_text(encoding="utf-8") == tuning.conf_text()
    with psycopg.connect(admin_database_url) as conn:
        row = conn.execute(
            "select pg_size_bytes(current_setting('shared_buffers')),"
            " pg_size_bytes(current_setting('max_wal_size')), current_setting('wal_compression')"
        ).fetchone()
    mib = 1024 * 1024
    assert row == (tuning.shared_buffers_mb * mib, tuning.max_wal_size_mb * mib, "lz4")
