"""The API's PostgreSQL access: an asyncio pool of read-only connections (psycopg_pool)
as the reader role, with a statement timeout, running the SQL files of `sql/` by name.
Async, so a request never waits for a worker thread (a thread hop per request was most of
the HTTP layer's cost)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from api.errors import (
    DatabaseBusyError,
    DatabaseUnavailableError,
    QueryTimeoutError,
    SchemaMissingError,
)
from pulse.secrets import redact
from pulse.sqlfiles import load_sql

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 5
PROBE_TIMEOUT_S = 2


class Database:
    """A connection pool plus `rows(name, params)`: the rows of `sql/<name>.sql` as dicts.

    Every session is read-only twice over: the role may only SELECT (migration 070), and
    `default_transaction_read_only` makes PostgreSQL refuse a write before privileges are
    even checked, should the URL ever name a role that may write."""

    def __init__(
        self,
        url: str,
        *,
        min_size: int,
        max_size: int,
        timeout_s: float,
        statement_timeout_ms: int,
    ) -> None:
        self._url = url
        self.statement_timeout_ms = statement_timeout_ms
        self.timeout_s = timeout_s
        options = f"-c statement_timeout={statement_timeout_ms} -c default_transaction_read_only=on"
        self._pool = AsyncConnectionPool(
            url,
            min_size=min(min_size, max_size),
            max_size=max_size,
            timeout=timeout_s,
            open=False,
            name="pulse-api",
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "pulse-api",
                "options": options,
            },
        )

    async def open(self) -> None:
        """Start the pool without waiting: a database that is down now answers 503 per
        request until it is back, instead of keeping the API from starting."""
        await self._pool.open(wait=False)

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A pooled connection (read-only, with the statement timeout), for one request."""
        async with self._pool.connection() as conn:
            yield conn

    async def rows(
        self, name: str, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The rows of `sql/<name>.sql` run with `params`; database faults become ApiErrors."""
        query = load_sql(name)
        try:
            try:
                return await self._run(query, params)
            except StaleConnectionError:
                # The server dropped the connection while it sat in the pool (a restart, an
                # idle timeout). The query only reads: run it once more on a fresh one. This
                # costs nothing per request, unlike checking each connection before use.
                return await self._run(query, params)
        except StaleConnectionError as exc:
            raise DatabaseUnavailableError(
                f"PostgreSQL is unavailable: {redact(str(exc), [self._url])}"
            ) from None
        except PoolTimeout:
            raise await self._no_connection() from None
        except psycopg.errors.QueryCanceled:
            raise QueryTimeoutError(
                f"the query took longer than the statement timeout of "
                f"{self.statement_timeout_ms} ms and was cancelled: retry with a smaller "
                "range, or raise API_STATEMENT_TIMEOUT_MS"
            ) from None
        except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedFunction) as exc:
            raise SchemaMissingError(
                f"the database has no Pulse schema ({_first_line(exc)}): run "
                "`python -m consumer migrate`"
            ) from None
        except psycopg.errors.InsufficientPrivilege as exc:
            raise SchemaMissingError(
                f"the API's role may not read this ({_first_line(exc)}): run "
                "`python -m consumer migrate` (it grants pulse_reader what it reads)"
            ) from None
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailableError(
                f"PostgreSQL is unavailable: {redact(_first_line(exc), [self._url])}"
            ) from None

    async def _run(self, query: str, params: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        async with self.connection() as conn:
            try:
                cursor = conn.cursor(row_factory=dict_row)
                await cursor.execute(query, params)
                return await cursor.fetchall()
            except psycopg.OperationalError as exc:
                # broken: the connection itself is gone (the pool discards it on return).
                if conn.broken and not isinstance(exc, psycopg.errors.QueryCanceled):
                    raise StaleConnectionError(_first_line(exc)) from exc
                raise

    async def _no_connection(self) -> DatabaseBusyError | DatabaseUnavailableError:
        """Why the pool handed out no connection in time: one direct attempt tells a
        database that is away (with its reason) from one whose connections were all busy.
        Costs nothing while requests are answered."""
        try:
            probe = await psycopg.AsyncConnection.connect(
                self._url, connect_timeout=PROBE_TIMEOUT_S
            )
            await probe.close()
        except psycopg.Error as exc:
            return DatabaseUnavailableError(
                f"no connection to PostgreSQL within {self.timeout_s:g} s "
                f"({redact(_first_line(exc), [self._url])}): is it running, and does "
                "READER_DATABASE_URL name it?"
            )
        return DatabaseBusyError(
            f"every database connection stayed busy for {self.timeout_s:g} s: retry "
            "shortly (API_POOL_MAX_SIZE bounds them)"
        )


class StaleConnectionError(DatabaseUnavailableError):
    """A pooled connection turned out to be closed by the server."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def check_connection(url: str) -> None:
    """Connect once, turning failure into one clear message (for the start-up check)."""
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
    except psycopg.Error as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to PostgreSQL with READER_DATABASE_URL "
            f"({redact(_first_line(exc), [url])}): start it (`make up`) or fix the URL, "
            "then retry"
        ) from None
