"""Throwaway PostgreSQL databases for tests: each test writes into its own."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


@contextmanager
def scratch_database(admin_url: str, prefix: str = "pulse_test") -> Iterator[str]:
    """Creates an empty database, yields its URL, drops it (even if still in use)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        params = conninfo_to_dict(admin_url) | {"dbname": name}
        yield make_conninfo("", **params)
    finally:
        _drop(admin_url, name)


def _drop(admin_url: str, name: str, attempts: int = 10) -> None:
    # FORCE ends the test's own sessions, but the pulse role may not end an autovacuum
    # worker (InsufficientPrivilege): those finish quickly, so wait and try again.
    statement = sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
    for attempt in range(attempts):
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(statement)
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def as_role(url: str, role_url: str) -> str:
    """`url`'s server and database, logged in as the user and password of `role_url`."""
    role = conninfo_to_dict(role_url)
    params = conninfo_to_dict(url) | {"user": role["user"], "password": role["password"]}
    return make_conninfo("", **params)
