"""Errors of the dead-letter commands; each message says what to do."""

from __future__ import annotations

from pulse.errors import PulseError


class DeadLetterError(PulseError):
    """Root of the errors raised by `python -m consumer dlq`."""


class FilterError(DeadLetterError, ValueError):
    """A filter flag (--reason, --since, --offset, ...) has a value that cannot be used."""


class TopicMissingError(DeadLetterError, LookupError):
    """The dead-letter topic does not exist on the broker."""
