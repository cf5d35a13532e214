"""Errors of the local stack: leaves of PulseError whose message is one line that names
the fix, so the CLI prints them (and any log tail they carry) without a traceback."""

from __future__ import annotations

from pulse.errors import PulseError, ServiceUnavailableError


class StackError(PulseError):
    """Root of the stack's errors. log_tail holds the last lines of the log that explains
    the failure, printed under the message."""

    def __init__(self, message: str, *, log_tail: list[str] | None = None) -> None:
        super().__init__(message)
        self.log_tail = log_tail or []


class MissingToolError(StackError, FileNotFoundError):
    """A program the stack needs (java, mvn, apt-get, ...) is not installed."""


class InstallError(StackError, RuntimeError):
    """Installing a package or resolving the Kafka jars failed."""


class PortInUseError(StackError, OSError):
    """A port the stack wants is held by a process the stack did not start."""


class StartError(StackError, ServiceUnavailableError):
    """A service was started but never became healthy."""
