"""Applies the numbered SQL files of `sql/migrations/` in order, once each, recording them
in `schema_migrations`, then brings `sql/views/` up to date; safe to run twice and from two
processes at once."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from consumer.store.views import (
    VIEWS_DIR,
    discover_views,
    drop_views,
    removed_views,
    stale_views,
    sync_views,
)
from pulse.errors import PulseError
from pulse.sqlfiles import SQL_ROOT, load_sql

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = SQL_ROOT / "migrations"
# Any fixed 64-bit number works; it only has to be the same in every Pulse process.
_ADVISORY_LOCK_KEY = 0x5055_4C53_4500_0001
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Liquibase's validCheckSum: a migration rewritten after databases applied it (its views
# moved to sql/views/) declares the checksum of its earlier text, which they recorded.
_REPLACES = re.compile(r"^-- pulse:replaces-checksum ([0-9a-f]{64})$", re.MULTILINE)


class MigrationError(PulseError, RuntimeError):
    """A migration file is malformed, changed after it was applied, or failed."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def accepted_checksums(self) -> frozenset[str]:
        """This text's checksum and those of the earlier texts it declares it replaces."""
        return frozenset({self.checksum, *_REPLACES.findall(self.text)})


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNN_lower_snake.sql")
        migrations.append(Migration(int(match.group(1)), path.name, path.read_text("utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a number in {directory}")
    return migrations


def migrate(
    conn: psycopg.Connection[Any],
    *,
    migrations_dir: Path = MIGRATIONS_DIR,
    views_dir: Path = VIEWS_DIR,
) -> list[str]:
    """Apply pending migrations, then re-create the views whose file changed or that are
    missing; returns the names applied by this call, all in one transaction."""
    applied_now: list[str] = []
    views = discover_views(views_dir)
    with conn.transaction():
        # Transaction-scoped: released at commit even if this process dies. A second
        # process waits here, then finds everything recorded and applies nothing.
        conn.execute("select pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK_KEY,))
        conn.execute(load_sql("consumer/create_schema_migrations"))
        rows = conn.execute(load_sql("consumer/applied_migrations")).fetchall()
        done = {int(version): (name, checksum) for version, name, checksum in rows}
        waiting = []
        for migration in discover(migrations_dir):
            if migration.version in done:
                _check_unchanged(migration, done[migration.version])
            else:
                waiting.append(migration)
        if waiting:
            # Migrations never see the views: a table change (a column type, a dropped
            # column) would otherwise have to save, drop and restore every view over it,
            # as 061 did. They are created again from their files just below.
            drop_views(conn, views)
        for migration in waiting:
            logger.info("applying migration %s", migration.name)
            conn.execute(migration.text.encode("utf-8"))
            conn.execute(
                load_sql("consumer/record_migration"),
                {
                    "version": migration.version,
                    "name": migration.name,
                    "checksum": migration.checksum,
                },
            )
            applied_now.append(migration.name)
        applied_now += sync_views(conn, views)
    return applied_now


def ensure_current(
    conn: psycopg.Connection[Any],
    *,
    migrations_dir: Path = MIGRATIONS_DIR,
    views_dir: Path = VIEWS_DIR,
) -> list[str]:
    """Apply pending migrations when this connection's role may (it owns the schema, as in
    the tests); a least-privileged role only checks that the schema is current.

    Returns the names applied; raises MigrationError saying to run `migrate` otherwise."""
    try:
        folders = {"migrations_dir": migrations_dir, "views_dir": views_dir}
        return migrate(conn, **folders) if pending(conn, **folders) else []
    except psycopg.errors.InsufficientPrivilege:
        raise MigrationError(
            "the database schema is not current and the role of DATABASE_URL may not "
            "migrate it: run `python -m consumer migrate` (it connects as the owner role of "
            "MIGRATIONS_DATABASE_URL), then start again."
        ) from None


def pending(
    conn: psycopg.Connection[Any],
    *,
    migrations_dir: Path = MIGRATIONS_DIR,
    views_dir: Path = VIEWS_DIR,
) -> list[str]:
    """Names of the migrations not applied yet and of the view files not applied as they
    are; needs only `select` on the ledgers, so the consumer's role can check the schema it
    cannot change."""
    try:
        with conn.transaction():
            rows = conn.execute(load_sql("consumer/applied_migrations")).fetchall()
    except psycopg.errors.UndefinedTable:
        rows = []
    done = {int(version): (name, checksum) for version, name, checksum in rows}
    waiting = []
    for migration in discover(migrations_dir):
        if migration.version in done:
            _check_unchanged(migration, done[migration.version])
        else:
            waiting.append(migration.name)
    views = discover_views(views_dir)
    waiting += [f"views/{view.path}" for view in stale_views(conn, views)]
    waiting += [f"views: drop {name}" for name in removed_views(conn, views)]
    return waiting


def _check_unchanged(migration: Migration, recorded: tuple[str, str]) -> None:
    name, checksum = recorded
    if checksum not in migration.accepted_checksums:
        raise MigrationError(
            f"{migration.name} changed after it was applied (as {name}); add a new "
            "migration instead of editing an applied one"
        )
