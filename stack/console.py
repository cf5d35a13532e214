"""Terminal output of the stack commands: one aligned line per service event, so a
newcomer can follow what `up` is doing."""

from __future__ import annotations

import sys

_NAME_WIDTH = 11


def say(service: str, message: str) -> None:
    """One progress line about a service, flushed at once (output may be piped to make)."""
    print(f"{service:<{_NAME_WIDTH}} {message}", flush=True)


def info(message: str) -> None:
    print(message, flush=True)


def error(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
