"""`python -m stack prune`: the databases that `up` set aside (`<database>_before_<date>_
<time>`, see database_pairing.py) with their size and age, dropped after a confirmation.
`up` only counts them, so a machine that re-clones often sees its disk going."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pulse.errors import first_line
from pulse.sqlfiles import load_sql
from stack import console
from stack.config import DatabaseTarget
from stack.errors import StackError
from stack.postgres import NAME

_STAMP = "%Y%m%d_%H%M%S"  # the format of database_pairing.archive_name


class PruneError(StackError, RuntimeError):
    """Listing or dropping the set-aside databases failed."""


@dataclass(frozen=True)
class Archive:
    """A database set aside by `up`, with when (local time, from its name) and its size."""

    name: str
    size_bytes: int
    set_aside_at: float  # seconds since the epoch
    owner: str


def _archive_time(dbname: str, name: str) -> float | None:
    """When `name` was set aside, or None when it is not `<dbname>_before_<stamp>`."""
    match = re.fullmatch(re.escape(dbname) + r"_before_(\d{8}_\d{6})", name)
    if match is None:
        return None
    try:
        return time.mktime(time.strptime(match.group(1), _STAMP))
    except ValueError:
        return None


def _maintenance(db: DatabaseTarget) -> str:
    # Another database's size is readable from any database; a database is dropped from
    # another one.
    return make_conninfo(db.url, dbname="postgres")


def find_archives(db: DatabaseTarget) -> list[Archive]:
    """The databases `up` set aside from `db`, oldest first."""
    try:
        with psycopg.connect(_maintenance(db), connect_timeout=5) as conn:
            rows = conn.execute(
                load_sql("stack/archived_databases"), {"prefix": f"{db.dbname}_before_"}
            ).fetchall()
    except psycopg.Error as exc:
        raise PruneError(
            f"could not list the databases of {db.address} as {db.user}: "
            f"{first_line(exc)}. Is PostgreSQL up (`make status`)?"
        ) from exc
    archives = []
    for name, size, owner in rows:
        at = _archive_time(db.dbname, str(name))
        if at is not None:
            archives.append(Archive(str(name), int(size), at, str(owner)))
    return sorted(archives, key=lambda archive: (archive.set_aside_at, archive.name))


def human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def human_age(seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def summary(archives: Sequence[Archive]) -> str:
    total = sum(archive.size_bytes for archive in archives)
    return f"{len(archives)} set-aside database(s) holding {human_bytes(total)}"


def describe(archives: Sequence[Archive], *, now: float) -> list[str]:
    width = max(len(archive.name) for archive in archives)
    return [
        f"  {archive.name:<{width}}  {human_bytes(archive.size_bytes):>10}  "
        f"set aside {human_age(now - archive.set_aside_at)} ago"
        for archive in archives
    ]


def report_on_up(db: DatabaseTarget) -> None:
    """One line for `up` when set-aside databases exist; silent otherwise. Never fails
    `up`: a listing problem is only mentioned."""
    try:
        archives = find_archives(db)
    except PruneError as exc:
        console.say(NAME, f"could not count the set-aside databases ({exc})")
        return
    if archives:
        console.say(
            NAME,
            f"{summary(archives)} from earlier brokers: `make prune` lists and drops them",
        )


def drop(db: DatabaseTarget, archive: Archive) -> None:
    statement = sql.SQL(load_sql("stack/drop_database")).format(
        database=sql.Identifier(archive.name)
    )
    try:
        with psycopg.connect(_maintenance(db), connect_timeout=5, autocommit=True) as conn:
            conn.execute(statement)
    except psycopg.errors.ObjectInUse as exc:
        raise PruneError(
            f"database {archive.name} is in use ({first_line(exc)}): close the clients "
            "connected to it (psql, Grafana, a consumer), then run prune again."
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise PruneError(
            f"{db.user} may not drop database {archive.name} (owner {archive.owner}): drop "
            f"it as its owner or as the postgres user (`dropdb {archive.name}`)."
        ) from exc
    except psycopg.Error as exc:
        raise PruneError(f"could not drop database {archive.name}: {first_line(exc)}") from exc


def prune(
    db: DatabaseTarget,
    *,
    assume_yes: bool,
    confirm: Callable[[str], bool],
    now: float | None = None,
) -> int:
    """List the set-aside databases and drop them once confirmed. Returns how many went."""
    archives = find_archives(db)
    if not archives:
        console.info(f"no set-aside databases ({db.dbname}_before_<date>_<time>): nothing to do")
        return 0
    console.info(f"{summary(archives)}, set aside by `make up` from earlier brokers:")
    for line in describe(archives, now=time.time() if now is None else now):
        console.info(line)
    if not assume_yes and not confirm(f"drop these {len(archives)} database(s)? [y/N] "):
        console.info("nothing dropped")
        return 0
    for archive in archives:
        drop(db, archive)
        console.info(f"dropped {archive.name} ({human_bytes(archive.size_bytes)})")
    return len(archives)
