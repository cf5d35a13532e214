"""Command-line options that override one setting each: their help says what the setting
does, its environment variable and its default, all taken from the settings object."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from pulse.settings import ENV_FILE, Settings

ENV_NOTE = (
    f"Every option also reads its environment variable, from the environment or from a "
    f"{ENV_FILE} file in the working directory; a flag wins over both."
)


def setting_option(
    parser: argparse.ArgumentParser | Any,
    flag: str,
    field: str,
    *,
    type: Callable[[str], Any] | None = None,
    metavar: str | None = None,
) -> None:
    extra: dict[str, Any] = {} if type is None else {"type": type}
    parser.add_argument(flag, dest=field, metavar=metavar, help=setting_help(field), **extra)


def setting_help(field: str) -> str:
    info = Settings.model_fields[field]
    default = info.default
    if isinstance(default, SecretStr) or "url" in field or "password" in field:
        shown = "the local stack's" if default is not None else "unset"
    else:
        shown = "unset" if default is None else str(default)
    text = f"{info.description or field} (env {field.upper()}; default: {shown})"
    return text.replace("%", "%%")  # argparse formats help with %


def utc_moment(text: str) -> datetime:
    """An argparse type: an ISO-8601 date or date-time, UTC unless it names an offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD or an ISO-8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
