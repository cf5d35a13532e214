"""Throwaway resources that keep contenders apart: a fresh database, topic and consumer
group for each measurement, so no contender starts from another's state."""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from kafka.admin import KafkaAdminClient, NewTopic
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def unique_name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def database_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server of `admin_url`, as the same role."""
    return make_conninfo("", **(conninfo_to_dict(admin_url) | {"dbname": name}))


@contextmanager
def scratch_database(
    admin_url: str, name: str, *, keep: bool = False, template: str | None = None
) -> Iterator[str]:
    """Creates the database `name`, empty or a copy of `template`, yields its URL, drops
    it (even if in use) unless `keep`."""
    create = sql.SQL("create database {}").format(sql.Identifier(name))
    if template is not None:
        # file_copy: a filled template of several GiB is copied as files, not written to
        # the WAL block by block (PostgreSQL 15's default strategy).
        create += sql.SQL(" template {} strategy file_copy").format(sql.Identifier(template))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(create)
    try:
        yield database_url(admin_url, name)
    finally:
        if not keep:
            drop_database(admin_url, name)


def drop_database(admin_url: str, name: str, *, attempts: int = 10) -> None:
    """Drops `name`; warns (and leaves it) rather than fail the whole benchmark.

    A plain DROP first: it stops an autovacuum worker that is busy in the database (one
    usually is, after a million inserts), which WITH (FORCE) refuses to do for a role
    without pg_signal_backend. FORCE then ends our own leftover sessions (a consumer the
    watcher had to kill)."""
    plain = sql.SQL("drop database if exists {}").format(sql.Identifier(name))
    forced = sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
    error: psycopg.Error | None = None
    for _ in range(attempts):
        for statement in (plain, forced):
            try:
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(statement)
            except (psycopg.errors.ObjectInUse, psycopg.errors.InsufficientPrivilege) as exc:
                error = exc
                continue
            return
        time.sleep(1.0)
    print(
        f"warning: could not drop database {name} ({error}); drop it by hand",
        file=sys.stderr,
    )


def create_topic(bootstrap_servers: str, name: str, partitions: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="pulse-bench")
    try:
        admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        admin.close()


def delete_topics(bootstrap_servers: str, names: list[str]) -> None:
    if not names:
        return
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="pulse-bench")
    try:
        admin.delete_topics(names)
    finally:
        admin.close()
