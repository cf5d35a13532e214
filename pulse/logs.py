"""Structured, quiet logging: one `key=value` line per event; library loggers at WARNING."""

from __future__ import annotations

import logging
import sys
from typing import Any

from pulse.secrets import redact

_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    """`ts=... level=INFO logger=consumer.ingest.loop msg="..." key=value ...` from `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_")
        )
        line = " ".join(f"{key}={_quote(value)}" for key, value in fields.items())
        if record.exc_info and record.levelno <= logging.DEBUG:
            line += "\n" + self.formatException(record.exc_info)
        # A connection error may quote a URL; its password never reaches the log.
        return redact(line)


def _quote(value: Any) -> str:
    text = str(value)
    if text and not any(ch in text for ch in ' ="'):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # kafka-python logs connection churn at INFO/WARNING; it is noise next to our lines.
    logging.getLogger("kafka").setLevel(logging.CRITICAL if level != "DEBUG" else logging.INFO)
