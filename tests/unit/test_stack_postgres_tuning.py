"""The local PostgreSQL's server settings: a quarter of the memory for shared buffers
within bounds, and a conf.d file rewritten only when its content changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.config import StackSettings
from stack.postgres_tuning import (
    CONF_NAME,
    ServerTuning,
    available_memory_bytes,
    default_shared_buffers_mb,
    write_conf,
)

GIB = 1024**3


@pytest.mark.parametrize(
    ("memory", "expected_mb"),
    [(24 * GIB, 6144), (2 * GIB, 512), (256 * 1024**2, 128), (128 * GIB, 8192)],
)
def test_shared_buffers_take_a_quarter_of_the_memory_within_bounds(
    memory: int, expected_mb: int
) -> None:
    assert default_shared_buffers_mb(memory) == expected_mb


def test_the_conf_names_every_value_and_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    conf_dir = tmp_path / "conf.d"
    tuning = ServerTuning(shared_buffers_mb=1024, max_wal_size_mb=4096)
    assert write_conf(conf_dir, tuning) is True
    text = (conf_dir / CONF_NAME).read_text(encoding="utf-8")
    assert "shared_buffers = '1024MB'" in text
    assert "max_wal_size = '4096MB'" in text
    assert "wal_compression = 'lz4'" in text
    assert write_conf(conf_dir, tuning) is False
    assert write_conf(conf_dir, ServerTuning(shared_buffers_mb=2048, max_wal_size_mb=4096))
    assert "shared_buffers = '2048MB'" in (conf_dir / CONF_NAME).read_text(encoding="utf-8")
    assert [p.name for p in conf_dir.iterdir()] == [CONF_NAME]  # no temporary file left


def test_the_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_SHARED_BUFFERS_MB", "300")
    monkeypatch.setenv("POSTGRES_MAX_WAL_SIZE_MB", "2048")
    tuning = StackSettings(_env_file=None).postgres_tuning()
    assert tuning == ServerTuning(shared_buffers_mb=300, max_wal_size_mb=2048)


def test_without_a_value_shared_buffers_follow_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTGRES_SHARED_BUFFERS_MB", raising=False)
    tuning = StackSettings(_env_file=None).postgres_tuning()
    assert tuning.shared_buffers_mb == default_shared_buffers_mb()


def test_a_container_limit_below_the_machine_memory_wins(tmp_path: Path) -> None:
    unlimited = tmp_path / "memory.max"
    unlimited.write_text("max\n", encoding="ascii")
    machine = available_memory_bytes(limits=(unlimited, tmp_path / "absent"))
    limited = tmp_path / "memory.limit_in_bytes"
    limited.write_text(f"{machine // 2}\n", encoding="ascii")
    assert available_memory_bytes(limits=(unlimited, limited)) == machine // 2
