"""`python -m stack prune` on the real PostgreSQL: it lists the databases `up` set aside with
their size and age, drops them only when confirmed (`--yes`), leaves look-alikes alone, and
says clearly when one is in use; `up` counts them.

Every database here is named after a base name of this test's own (never `pulse`), so the
machine's real set-aside databases are never touched."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from stack import prune
from stack.config import parse_database_url
from tests.databases import _drop
from tests.integration import harness

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Case:
    env: dict[str, str]
    owner_url: str  # MIGRATIONS_DATABASE_URL of the test's base database
    archives: list[str]  # named as `up` names them
    decoys: list[str]  # names close to that shape, which prune must keep


def _url(admin_url: str, dbname: str) -> str:
    return make_conninfo("", **(conninfo_to_dict(admin_url) | {"dbname": dbname}))


def _existing(admin_url: str, names: list[str]) -> set[str]:
    with psycopg.connect(admin_url) as conn:
        rows = conn.execute(
            "select datname from pg_database where datname = any(%s)", (names,)
        ).fetchall()
    return {str(row[0]) for row in rows}


@pytest.fixture
def case(admin_database_url: str) -> Iterator[Case]:
    base = f"pulse_prune_{uuid.uuid4().hex[:8]}"
    archives = [f"{base}_before_20261101_080000", f"{base}_before_20261203_235959"]
    decoys = [f"{base}_before_notadate", f"{base}x_before_20261101_080000"]
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        for name in archives + decoys:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    admin = conninfo_to_dict(admin_database_url)
    reader = {"user": "pulse_reader", "password": "pulse_reader"}
    env = {
        **os.environ,
        "MIGRATIONS_DATABASE_URL": _url(admin_database_url, base),
        "DATABASE_URL": make_conninfo("", **(admin | reader | {"dbname": base, "user": "c"})),
        "READER_DATABASE_URL": make_conninfo("", **(admin | reader | {"dbname": base})),
    }
    try:
        yield Case(env, _url(admin_database_url, base), archives, decoys)
    finally:
        for name in archives + decoys:
            _drop(admin_database_url, name)


def _prune(case: Case, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stack", "prune", *args],
        cwd=harness.REPO,
        env=case.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_a_terminal_or_yes_it_lists_them_and_drops_nothing(
    case: Case, admin_database_url: str
) -> None:
    result = _prune(case)
    harness.assert_one_clear_error(result, "--yes")
    assert "2 set-aside database(s) holding" in result.stdout
    for name in case.archives:
        assert name in result.stdout
    assert "days ago" in result.stdout  # the age, from the name
    assert "MiB" in result.stdout  # the size
    for name in case.decoys:
        assert name not in result.stdout
    assert _existing(admin_database_url, case.archives) == set(case.archives)


def test_yes_drops_every_set_aside_database_and_only_those(
    case: Case, admin_database_url: str
) -> None:
    result = _prune(case, "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("dropped ") == 2, result.stdout
    assert _existing(admin_database_url, case.archives) == set()
    assert _existing(admin_database_url, case.decoys) == set(case.decoys)
    again = _prune(case, "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stdout


def test_a_database_in_use_is_named_with_what_to_do(case: Case) -> None:
    in_use = case.archives[0]
    with psycopg.connect(_url(case.owner_url, in_use)):
        result = _prune(case, "--yes")
    harness.assert_one_clear_error(result, f"database {in_use} is in use", "close the clients")


def test_up_counts_them_and_their_size(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    prune.report_on_up(parse_database_url(case.owner_url, "MIGRATIONS_DATABASE_URL"))
    line = capsys.readouterr().out
    assert "2 set-aside database(s) holding" in line
    assert "`make prune`" in line


def test_up_says_nothing_when_there_are_none(
    admin_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lonely = _url(admin_database_url, f"pulse_prune_{uuid.uuid4().hex[:8]}")
    prune.report_on_up(parse_database_url(lonely, "MIGRATIONS_DATABASE_URL"))
    assert capsys.readouterr().out == ""
