"""Reading Debian's cluster list, and the errors apt-get gives when it cannot install."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from stack import apt, postgres
from stack.errors import MissingToolError

_CLUSTERS = [
    {"version": 14, "cluster": "main", "port": "5433", "running": 1, "pgdata": "/x"},
    {
        "version": 15,
        "cluster": "main",
        "port": "5432",
        "running": 0,
        "pgdata": "/var/lib/postgresql/15/main",
        "logfile": "/var/log/postgresql/postgresql-15-main.log",
        "config": {"external_pid_file": "/var/run/postgresql/15-main.pid"},
    },
]


def test_the_15_main_cluster_is_picked_from_the_list() -> None:
    cluster = postgres.parse_clusters(json.dumps(_CLUSTERS))
    assert cluster is not None
    assert (cluster.port, cluster.running) == (5432, False)
    assert cluster.logfile == Path("/var/log/postgresql/postgresql-15-main.log")
    assert cluster.pid_file == Path("/var/run/postgresql/15-main.pid")


def test_no_cluster_15_main() -> None:
    assert postgres.parse_clusters(json.dumps(_CLUSTERS[:1])) is None
    assert postgres.parse_clusters("") is None


def test_the_pid_file_defaults_to_postmaster_pid() -> None:
    entry = {**_CLUSTERS[1], "config": {}}
    cluster = postgres.parse_clusters(json.dumps([entry]))
    assert cluster is not None
    assert cluster.pid_file == Path("/var/lib/postgresql/15/main/postmaster.pid")


def test_install_without_apt_get_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(MissingToolError, match="apt-get is unavailable: install postgresql"):
        apt.install(["postgresql"], what="PostgreSQL 15", log_file=tmp_path / "apt.log")


def test_install_as_non_root_says_to_use_sudo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: "/usr/bin/apt-get")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(MissingToolError, match=r"sudo apt-get install -y prometheus"):
        apt.install(["prometheus"], what="Prometheus", log_file=tmp_path / "apt.log")


def test_the_configuration_directory_is_where_pg_hba_conf_is() -> None:
    entry = {**_CLUSTERS[1], "config": {"hba_file": "/srv/pg/15/main/pg_hba.conf"}}
    cluster = postgres.parse_clusters(json.dumps([entry]))
    assert cluster is not None
    assert cluster.config_dir == Path("/srv/pg/15/main")
    plain = postgres.parse_clusters(json.dumps(_CLUSTERS))
    assert plain is not None
    assert plain.config_dir == Path("/etc/postgresql/15/main")
