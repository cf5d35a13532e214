"""Writes events as exactly the bytes the contract's `model_dump_json()` would, from
precomputed JSON fragments (pydantic per event would cost more than the whole simulator)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

from pulse.contract import SCHEMA_VERSION

_HEAD = '{"schema_version":' + str(SCHEMA_VERSION) + ',"event_id":"'
_UUID_VERSION_MASK = ~(0xF000 << 64) & ((1 << 128) - 1)
_UUID_VARIANT_MASK = ~(0xC000 << 48) & ((1 << 128) - 1)


def json_str(value: str) -> str:
    """A JSON string literal escaped the way pydantic escapes it (UTF-8, not \\uXXXX)."""
    return json.dumps(value, ensure_ascii=False)


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the seeded generator, so a seed replays its event_ids."""
    bits = rng.getrandbits(128)
    bits = (bits & _UUID_VERSION_MASK) | (4 << 76)
    bits = (bits & _UUID_VARIANT_MASK) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_id(rng: random.Random, prefix: str, hex_digits: int = 12) -> str:
    return f"{prefix}{rng.getrandbits(hex_digits * 4):0{hex_digits}x}"


def money(amount: Decimal) -> str:
    """Amounts travel as JSON strings: a JSON number would be read back as a float."""
    return f'"{amount}"'


class TimestampFormatter:
    """Formats epoch microseconds as pydantic does (`...T09:00:00.123000Z`, or no
    fraction when it is zero), caching the date and hour, which change rarely between
    consecutive events (strftime per event was a tenth of the generation time)."""

    __slots__ = ("_hour", "_prefix")

    def __init__(self) -> None:
        self._hour = -1
        self._prefix = ""

    def format(self, epoch_us: int) -> str:
        hour, rest = divmod(epoch_us, 3_600_000_000)
        if hour != self._hour:
            self._hour = hour
            self._prefix = datetime.fromtimestamp(hour * 3600, UTC).strftime("%Y-%m-%dT%H:")
        minute, rest = divmod(rest, 60_000_000)
        second, micro = divmod(rest, 1_000_000)
        if micro:
            return f"{self._prefix}{minute:02d}:{second:02d}.{micro:06d}Z"
        return f"{self._prefix}{minute:02d}:{second:02d}Z"


def session_fragment(*, user_id: str, session_id: str, device: str, country: str, city: str) -> str:
    """The envelope fields that stay the same for every event of one session."""
    return (
        f'"user_id":"{user_id}","session_id":"{session_id}","device":"{device}",'
        f'"location":{{"country":"{country}","city":{json_str(city)}}}'
    )


def content_fragment(*, content_id: str, author_id: str, category: str) -> str:
    return f'"content_id":"{content_id}","author_id":"{author_id}","category":{json_str(category)}'


def product_fragment(*, product_id: str, unit_price: Decimal, currency: str) -> tuple[str, str]:
    """The cart fields around the quantity: (before it, after it)."""
    return (
        f'"product_id":"{product_id}","quantity":',
        f',"unit_price":{money(unit_price)},"currency":"{currency}"',
    )


def encode(event_id: str, occurred_at: str, session: str, tail: str) -> bytes:
    """One event: the envelope, then `tail`, which starts with a comma and closes the object."""
    return f'{_HEAD}{event_id}","occurred_at":"{occurred_at}",{session}{tail}'.encode()
