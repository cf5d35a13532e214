"""Keeps the derived read objects of `sql/views/<domain>/` (views, and the SQL functions that
read them) as their files say, one object per file, recorded with its checksum in `schema_views`."""

from __future__ import annotations

import enum
import hashlib
import heapq
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pulse.errors import PulseError
from pulse.sqlfiles import SQL_ROOT, load_sql

logger = logging.getLogger(__name__)

VIEWS_DIR = SQL_ROOT / "views"
_FILE_NAME = re.compile(r"^[a-z][a-z0-9_]*\.sql$")
# The first statement after the leading comments. `create or replace` is refused on purpose:
# a changed object is always dropped and created (a view's columns cannot change in place).
_CREATE = re.compile(r"\A(?:\s*--[^\n]*\n)*\s*create\s+(view|function)\s+(\w+)\b", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")
_WORD = re.compile(r"[a-z_][a-z0-9_]*")


class ViewError(PulseError, RuntimeError):
    """A file of `sql/views/` is malformed, or PostgreSQL refused to (re)create its object."""


class ObjectKind(enum.Enum):
    VIEW = "view"
    FUNCTION = "function"


@dataclass(frozen=True, slots=True)
class ViewFile:
    name: str
    kind: ObjectKind
    path: str  # relative to the views folder: "content/top_pages.sql"
    text: str
    depends_on: frozenset[str]  # the other objects of the folder that the text names

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def discover_views(directory: Path = VIEWS_DIR) -> list[ViewFile]:
    """Every object of the folder, each after the objects it reads (ties by path, so the
    order is the same on every machine)."""
    stray = sorted(path.name for path in directory.glob("*.sql"))
    if stray:
        raise ViewError(f"{', '.join(stray)}: view files live in a domain folder, views/<domain>/")
    found: dict[str, tuple[ObjectKind, str, str]] = {}
    for path in sorted(directory.glob("*/*.sql")):
        relative = path.relative_to(directory).as_posix()
        if _FILE_NAME.match(path.name) is None:
            raise ViewError(f"{relative}: view files are named lower_snake.sql")
        text = path.read_text("utf-8")
        match = _CREATE.match(text)
        if match is None:
            raise ViewError(
                f"{relative}: a view file starts, after its comments, with "
                "`create view <name>` or `create function <name>`"
            )
        name = match.group(2).lower()
        if name != path.stem:
            raise ViewError(f"{relative} creates {name}: name the file after its object")
        if name in found:
            raise ViewError(f"{relative} and {found[name][1]} both create {name}")
        found[name] = (ObjectKind(match.group(1).lower()), relative, text)
    views = {
        name: ViewFile(name, kind, relative, text, _names_read(text, set(found) - {name}))
        for name, (kind, relative, text) in found.items()
    }
    return _dependency_order(views)


def _names_read(text: str, candidates: set[str]) -> frozenset[str]:
    """The objects of the folder that `text` names. Comments do not count; a name that is
    also a column or a string adds an ordering constraint that costs nothing."""
    return frozenset(set(_WORD.findall(_COMMENT.sub("", text).lower())) & candidates)


def _dependency_order(views: dict[str, ViewFile]) -> list[ViewFile]:
    """Kahn's algorithm with the ready objects taken by path: deterministic."""
    waiting = {name: set(view.depends_on) for name, view in views.items()}
    ready = [(view.path, name) for name, view in views.items() if not view.depends_on]
    heapq.heapify(ready)
    ordered: list[ViewFile] = []
    while ready:
        _, name = heapq.heappop(ready)
        ordered.append(views[name])
        del waiting[name]
        for other, needs in waiting.items():
            if name in needs:
                needs.discard(name)
                if not needs:
                    heapq.heappush(ready, (views[other].path, other))
    if waiting:
        raise ViewError(f"views that read each other in a cycle: {', '.join(sorted(waiting))}")
    return ordered


def stale_views(conn: psycopg.Connection[Any], views: list[ViewFile]) -> list[ViewFile]:
    """The objects whose file changed since they were created, or that are missing; needs
    only `select` on the ledger, so the consumer's role can check what it cannot change."""
    applied = _applied(conn)
    existing = _existing(conn)
    return [
        view
        for view in views
        if applied.get(view.name) != view.checksum or existing.get(view.name) != view.kind.value
    ]


def removed_views(conn: psycopg.Connection[Any], views: list[ViewFile]) -> list[str]:
    """Names in the ledger whose file is gone: `sync_views` drops them."""
    return sorted(set(_applied(conn)) - {view.name for view in views})


def drop_views(conn: psycopg.Connection[Any], views: list[ViewFile]) -> None:
    """Drop every object of `views` that exists, readers before what they read. Without
    `cascade`: an object that is not in the folder and reads one of them stops the drop
    (with its name) instead of vanishing silently."""
    existing = _existing(conn)
    for view in reversed(views):
        if view.name in existing:
            _drop(conn, view.name, existing[view.name], f"cannot re-create views/{view.path}")


def sync_views(conn: psycopg.Connection[Any], views: list[ViewFile]) -> list[str]:
    """Re-create the stale objects and every object that reads one of them (dropping a view
    takes its readers with it), drop the objects whose file is gone; in the caller's
    transaction. Returns the paths created."""
    stale = {view.name for view in stale_views(conn, views)}
    for view in views:  # dependency order: a reader comes after what it reads
        if view.depends_on & stale:
            stale.add(view.name)
    rebuilt = [view for view in views if view.name in stale]
    drop_views(conn, rebuilt)
    existing = _existing(conn)
    for name in removed_views(conn, views):
        logger.info("dropping %s: its file is gone from sql/views", name)
        if name in existing:
            _drop(conn, name, existing[name], f"cannot drop {name} (its file is gone)")
        conn.execute(load_sql("consumer/forget_view"), {"name": name})
    for view in rebuilt:
        logger.info("creating %s %s from views/%s", view.kind.value, view.name, view.path)
        _create(conn, view)
        conn.execute(
            load_sql("consumer/record_view"),
            {
                "name": view.name,
                "kind": view.kind.value,
                "path": view.path,
                "checksum": view.checksum,
            },
        )
    return [f"views/{view.path}" for view in rebuilt]


def _create(conn: psycopg.Connection[Any], view: ViewFile) -> None:
    try:
        with conn.transaction():  # a savepoint, so the error below names the file
            conn.execute(view.text.encode("utf-8"))
    except psycopg.errors.InsufficientPrivilege:
        raise
    except psycopg.Error as exc:
        raise ViewError(f"views/{view.path}: PostgreSQL refused it: {_first_line(exc)}") from None


def _drop(conn: psycopg.Connection[Any], name: str, kind: str, failure: str) -> None:
    statement = sql.SQL("drop view {}" if kind == ObjectKind.VIEW.value else "drop function {}")
    try:
        with conn.transaction():
            conn.execute(statement.format(sql.Identifier(name)))
    except psycopg.errors.DependentObjectsStillExist as exc:
        detail = (exc.diag.message_detail or "").replace("\n", "; ")
        raise ViewError(
            f"{failure}: {detail}. Drop those objects, or add them to sql/views/ so that "
            "migrate re-creates them too"
        ) from None


def _applied(conn: psycopg.Connection[Any]) -> dict[str, str]:
    try:
        with conn.transaction():
            rows = conn.execute(load_sql("consumer/applied_views")).fetchall()
    except psycopg.errors.UndefinedTable:  # before migration 080: no view recorded yet
        return {}
    return {str(name): str(checksum) for name, checksum in rows}


def _existing(conn: psycopg.Connection[Any]) -> dict[str, str]:
    # In a transaction block of its own (or a savepoint of the caller's), so a connection
    # that is not in autocommit mode is left outside any transaction.
    with conn.transaction():
        rows = conn.execute(load_sql("consumer/existing_views")).fetchall()
    return {str(name): str(kind) for name, kind in rows}


def _first_line(exc: psycopg.Error) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
