"""Throwaway PostgreSQL databases for tests: each test writes into its own."""

from __future__ import annotations

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
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )
