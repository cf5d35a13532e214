"""The pure parts of `python -m stack prune`: which names are set-aside databases, and how
sizes and ages read."""

from __future__ import annotations

import time

import pytest

from stack.database_pairing import archive_name
from stack.prune import Archive, _archive_time, describe, human_age, human_bytes, summary


def test_the_names_up_gives_are_recognised_with_their_time() -> None:
    at = time.localtime(1_764_000_000)
    assert _archive_time("pulse", archive_name("pulse", at)) == time.mktime(at)


@pytest.mark.parametrize(
    "name",
    [
        "pulse",
        "pulse_before_",
        "pulse_before_20261301_000000",  # month 13
        "pulse_before_20261201_000000_copy",
        "pulse2_before_20261201_000000",
        "pulsexbefore_20261201_000000",
        "other_before_20261201_000000",
    ],
)
def test_look_alikes_are_not_set_aside_databases(name: str) -> None:
    assert _archive_time("pulse", name) is None


def test_an_underscore_in_the_database_name_is_no_wildcard() -> None:
    assert _archive_time("my_db", "myxdb_before_20261201_000000") is None
    assert _archive_time("my_db", "my_db_before_20261201_000000") is not None


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (5 * 2**20, "5.0 MiB"),
     (int(4.7 * 2**30), "4.7 GiB"), (3 * 2**40, "3072.0 GiB")],
)  # fmt: skip
def test_sizes(size: int, text: str) -> None:
    assert human_bytes(size) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-5, "0 min"), (59, "0 min"), (3600, "1 h"), (47 * 3600, "47 h"), (3 * 86400, "3 days")],
)
def test_ages(seconds: float, text: str) -> None:
    assert human_age(seconds) == text


def test_the_listing_names_size_and_age_and_the_summary_the_total() -> None:
    archives = [
        Archive("pulse_before_20261201_000000", 2**30, 0.0, "pulse"),
        Archive("pulse_before_20261202_000000", 2**29, 86400.0, "pulse"),
    ]
    lines = describe(archives, now=3 * 86400.0)
    assert "pulse_before_20261201_000000" in lines[0]
    assert "1.0 GiB" in lines[0]
    assert "3 days ago" in lines[0]
    assert "48 h ago" not in lines[1]
    assert "2 days ago" in lines[1]
    assert summary(archives) == "2 set-aside database(s) holding 1.5 GiB"
