"""The fast encoder's building blocks write what pydantic writes."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from pydantic import AwareDatetime, TypeAdapter

from producer.encoding import TimestampFormatter, json_str, new_id, new_uuid

DATETIME = TypeAdapter(AwareDatetime)
TEXT = TypeAdapter(str)


@given(st.integers(min_value=0, max_value=4_102_444_800 * 10**6))
def test_timestamps_are_formatted_like_pydantic(epoch_us: int) -> None:
    moment = datetime.fromtimestamp(epoch_us / 10**6, UTC).replace(microsecond=epoch_us % 10**6)
    expected = DATETIME.dump_json(moment).decode().strip('"')
    assert TimestampFormatter().format(epoch_us) == expected


def test_the_formatter_cache_follows_the_clock() -> None:
    formatter = TimestampFormatter()
    base = int(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp() * 10**6)
    assert formatter.format(base) == "2026-12-31T23:59:59Z"
    assert formatter.format(base + 1) == "2026-12-31T23:59:59.000001Z"
    assert formatter.format(base + 10**6) == "2027-01-01T00:00:00Z"
    assert formatter.format(base) == "2026-12-31T23:59:59Z"


@given(st.text(max_size=50))
def test_strings_are_escaped_like_pydantic(text: str) -> None:
    assert json_str(text) == TEXT.dump_json(text).decode()


def test_uuids_are_version_4_and_reproducible() -> None:
    first = [new_uuid(random.Random(3)) for _ in range(3)]
    assert len(set(first)) == 1
    rng = random.Random(4)
    for _ in range(1_000):
        text = new_uuid(rng)
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_ids_have_their_prefix_and_width() -> None:
    rng = random.Random(1)
    assert all(len(new_id(rng, "s-", 16)) == 18 for _ in range(100))
