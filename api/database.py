"""The API's PostgreSQL access: a pool of read-only connections (psycopg_pool) as the
reader role, with a statement timeout, running the SQL files of `sql/` by name."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from api.errors import (
    DatabaseBusyError,
    DatabaseUnavailableError,
    QueryTimeoutError,
    SchemaMissingError,
)
from consumer.secrets import redact
from consumer.sqlfiles import load_sql

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
        self._pool = ConnectionPool(
            url,
            min_size=min(min_size, max_size),
            max_size=max_size,
            timeout=timeout_s,
            open=False,
            name="pulse-api",
            # A connection the server dropped (a restart) is replaced before it is handed
            # out, instead of failing one request.
            check=ConnectionPool.check_connection,
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": "pulse-api",
                "options": options,
            },
        )

    def open(self) -> None:
        """Start the pool without waiting: a database that is down now answers 503 per
        request until it is back, instead of keeping the API from starting."""
        self._pool.open(wait=False)

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection (read-only, with the statement timeout), for one request."""
        with self._pool.connection() as conn:
            yield conn

    def rows(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The rows of `sql/<name>.sql` run with `params`; database faults become ApiErrors."""
        query = load_sql(name)
        try:
            with self.connection() as conn:
                cursor = conn.cursor(row_factory=dict_row)
                return cursor.execute(query, params).fetchall()
        except PoolTimeout:
            raise self._no_connection() from None
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

    def _no_connection(self) -> DatabaseBusyError | DatabaseUnavailableError:
        """Why the pool handed out no connection in time: one direct attempt tells a
        database that is away (with its reason) from one whose connections were all busy.
        Costs nothing while requests are answered."""
        try:
            psycopg.connect(self._url, connect_timeout=PROBE_TIMEOUT_S).close()
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
