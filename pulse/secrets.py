"""Keeps secrets out of what Pulse prints: passwords inside connection URLs and keyword
strings are masked by pattern, and the secret settings' own values by exact match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import SecretStr

from pulse.errors import ConfigError
from pulse.settings import Settings, load_settings

MASK = "***"
# scheme://user:password@host -> scheme://user:***@host (the user name stays: it helps).
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s]*(?P<at>@)", re.I)
# libpq keyword strings: password=secret or password='se cret'.
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s'\"]+)", re.I)
# A secret this short would mask ordinary words; URL passwords are masked by pattern anyway.
_MIN_EXACT_LENGTH = 8


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every URL or keyword password and every given secret replaced by ***."""
    text = _URL_PASSWORD.sub(rf"\g<head>{MASK}\g<at>", text)
    text = _KEYWORD_PASSWORD.sub(rf"\g<head>{MASK}", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _MIN_EXACT_LENGTH:
            text = text.replace(secret, MASK)
    return text


def secrets_of(settings: Settings) -> list[str]:
    """The values of every secret setting (SecretStr), URLs included whole."""
    values = (getattr(settings, name) for name in type(settings).model_fields)
    return [value.get_secret_value() for value in values if isinstance(value, SecretStr)]


def settings_secrets(overrides: Mapping[str, Any]) -> list[str]:
    """The secrets of the settings the CLI was given; none when they do not load (the
    configuration error names fields, never their values)."""
    try:
        return secrets_of(load_settings(**overrides))
    except ConfigError:
        return []
