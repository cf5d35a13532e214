"""The exception hierarchy of Pulse: one root, small leaves that also inherit the builtin
that fits, each carrying a message that says what to do."""

from __future__ import annotations


class PulseError(Exception):
    """Root of every error Pulse raises on purpose."""


class ConfigError(PulseError, ValueError):
    """A setting is missing or malformed."""


class ServiceUnavailableError(PulseError, ConnectionError):
    """Kafka or PostgreSQL cannot be reached."""


def first_line(exc: BaseException) -> str:
    """An exception's first line of text (drivers append context lines), or its repr."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)
