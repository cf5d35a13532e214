"""The consumer's PostgreSQL connection: opened lazily, prepared once, dropped after a
failure so that the next attempt reconnects."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import psycopg

from consumer.store.writer import load_offsets, prepare_connection
from pulse.errors import ServiceUnavailableError, first_line
from pulse.secrets import redact

logger = logging.getLogger(__name__)


class Database:
    def __init__(
        self,
        url: str,
        *,
        connect_timeout_s: int = 5,
        setting: str = "DATABASE_URL",
    ) -> None:
        self._url = url
        self._setting = setting  # named in errors, so the user knows which URL to fix
        self._connect_timeout_s = connect_timeout_s
        self._conn: psycopg.Connection[Any] | None = None

    def connection(self) -> psycopg.Connection[Any]:
        """The batch connection, with its staging tables (needs the migrated schema)."""
        if self._conn is None or self._conn.closed:
            conn = self.connect()
            prepare_connection(conn)
            self._conn = conn
            logger.debug("connected to PostgreSQL")
        return self._conn

    def connect(self) -> psycopg.Connection[Any]:
        """A new plain connection in autocommit mode; transactions are explicit."""
        return psycopg.connect(
            self._url,
            autocommit=True,
            connect_timeout=self._connect_timeout_s,
            application_name="pulse-consumer",
        )

    def load_offsets(self, topic: str, partitions: Sequence[int]) -> dict[int, int]:
        return load_offsets(self.connection(), topic, partitions)

    def discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def check(self) -> None:
        """Connect once now, turning failure into one clear message."""
        try:
            self.connect().close()
        except psycopg.Error as exc:
            # Error text can quote the URL (e.g. "invalid dsn"): mask its password.
            raise ServiceUnavailableError(
                f"cannot connect to PostgreSQL ({redact(first_line(exc), [self._url])}). Is it "
                f"running (`make up`), and is {self._setting} right?"
            ) from None
